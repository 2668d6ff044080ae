import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import {
  addMember,
  asOwner,
  bearer,
  createOAuthClient,
  createOrganization,
  login,
  registerAndLogin,
} from './identity';

describe('listings (PM side)', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let unitId: string;
  let realtor: { id: string; token: string };
  let tenantUser: { id: string; token: string };
  let serviceToken: string;
  let introspectOnlyToken: string;

  const standalone = (overrides: Record<string, unknown> = {}) => ({
    transaction: 'sale',
    propertyType: 'house',
    title: 'Family house with a garden',
    description: 'Quiet street, 10 minutes from the centre of Brno.',
    priceAmount: 950000000,
    currency: 'czk',
    areaM2: 160.5,
    rooms: 5,
    energyClass: 'B',
    features: ['garden', 'garage'],
    addressLine: 'Lipová 7',
    city: 'Brno',
    postalCode: '602 00',
    country: 'cz',
    latitude: 49.1951,
    longitude: 16.6068,
    ...overrides,
  });
  const create = async (body: Record<string, unknown>, token = org.adminToken) =>
    (await request(http()).post('/api/v1/listings').set(bearer(token)).send(body).expect(201)).body as {
      id: string;
      version: number;
      contactUserId: string;
    };
  const setStatus = (id: string, status: string, token = org.adminToken) =>
    request(http()).post(`/api/v1/listings/${id}/status`).set(bearer(token)).send({ status });
  const events = (id: string) =>
    asOwner(server, async (db) => {
      const res = await db.query(
        `SELECT type, aggregate_version, payload FROM outbox WHERE aggregate_id = $1 ORDER BY aggregate_version`,
        [id],
      );
      return res.rows as { type: string; aggregate_version: number; payload: Record<string, unknown> }[];
    });
  const serviceTokenFor = async (scopes: string[]) => {
    const client = await createOAuthClient(server, scopes);
    return (
      await request(http())
        .post('/api/v1/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
        .expect(200)
    ).body.access_token as string;
  };

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'listing-admin'), 'Reality Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'listing-other'), 'Other Org');
    const buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({
          name: 'Vinohradská 12',
          addressLine: 'Vinohradská 1234/12',
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
          latitude: 50.0755,
          longitude: 14.4378,
        })
        .expect(201)
    ).body.id;
    unitId = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number: '12', floor: 3, areaM2: 54.5, rooms: 2 })
        .expect(201)
    ).body.id;
    const member = async (label: string, role: 'realtor' | 'tenant') => {
      const user = await registerAndLogin(http(), label);
      await addMember(http(), org.adminToken, org.id, user.email, role);
      return { id: user.id, token: (await login(http(), user.email, undefined, org.id)).accessToken };
    };
    realtor = await member('realtor', 'realtor');
    tenantUser = await member('listing-tenant', 'tenant');
    serviceToken = await serviceTokenFor(['listings:inquiries']);
    introspectOnlyToken = await serviceTokenFor(['sso:introspect']);
  });
  afterAll(() => server.close());

  it('makes a listing from a unit with its address and size, or standalone with a full address', async () => {
    const fromUnit = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send({
        unitId,
        transaction: 'rent',
        propertyType: 'apartment',
        title: 'Flat 12',
        priceAmount: 2450000,
        currency: 'CZK',
      })
      .expect(201);
    expect(fromUnit.body).toMatchObject({
      unitId,
      status: 'draft',
      addressLine: 'Vinohradská 1234/12',
      city: 'Praha',
      country: 'CZ',
      areaM2: 54.5,
      rooms: 2,
      floor: 3,
      latitude: 50.0755,
      features: [],
      photoDocumentIds: [],
      version: 1,
    });
    const standaloneListing = await create(standalone());
    expect(standaloneListing).toMatchObject({ contactUserId: expect.any(String), version: 1 });

    const incomplete = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send({
        transaction: 'sale',
        propertyType: 'land',
        title: 'Plot',
        priceAmount: 1,
        currency: 'CZK',
        city: 'Brno',
      })
      .expect(422);
    expect(incomplete.body.error.code).toBe('LISTING_INCOMPLETE');
    expect(incomplete.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'addressLine',
      'postalCode',
      'country',
    ]);
    const invalid = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send(
        standalone({
          priceAmount: -1,
          energyClass: 'Z',
          features: ['Has Spaces'],
          latitude: 91,
          extra: true,
        }),
      )
      .expect(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'energyClass',
      'extra',
      'features',
      'latitude',
      'priceAmount',
    ]);
    await request(http())
      .post('/api/v1/listings')
      .set(bearer(other.adminToken))
      .send({
        unitId,
        transaction: 'rent',
        propertyType: 'apartment',
        title: 'Not mine',
        priceAmount: 1,
        currency: 'CZK',
      })
      .expect(404);
  });

  it('publishes, follows changes while on the market with versioned events, and closes a sale', async () => {
    const listing = await create(standalone());
    await request(http())
      .patch(`/api/v1/listings/${listing.id}`)
      .set(bearer(org.adminToken))
      .send({ description: 'Still a draft' })
      .expect(200);
    expect(await events(listing.id)).toEqual([]);
    // null is not "leave it": a field that must have a value refuses it (400), and nothing changes.
    const nulls = await request(http())
      .patch(`/api/v1/listings/${listing.id}`)
      .set(bearer(org.adminToken))
      .send({ title: null, priceAmount: null, contactUserId: null, description: 'Not saved' })
      .expect(400);
    expect([...new Set(nulls.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'contactUserId',
      'priceAmount',
      'title',
    ]);
    const unchanged = await request(http())
      .get(`/api/v1/listings/${listing.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(unchanged.body).toMatchObject({ title: standalone().title, description: 'Still a draft' });

    const published = await setStatus(listing.id, 'published').expect(200);
    expect(published.body).toMatchObject({ status: 'published', version: 3 });
    expect(published.body.publishedAt).toEqual(expect.any(String));
    const cheaper = await request(http())
      .patch(`/api/v1/listings/${listing.id}`)
      .set(bearer(org.adminToken))
      .send({ priceAmount: 899000000 })
      .expect(200);
    expect(cheaper.body.version).toBe(4);
    await setStatus(listing.id, 'reserved').expect(200);
    expect((await setStatus(listing.id, 'rented').expect(422)).body.error.code).toBe(
      'STATUS_DOES_NOT_FIT_TRANSACTION',
    );
    await setStatus(listing.id, 'sold').expect(200);
    expect((await setStatus(listing.id, 'published').expect(409)).body.error.code).toBe('INVALID_TRANSITION');
    const closed = await request(http())
      .patch(`/api/v1/listings/${listing.id}`)
      .set(bearer(org.adminToken))
      .send({ priceAmount: 1 })
      .expect(409);
    expect(closed.body.error.code).toBe('LISTING_CLOSED');

    const written = await events(listing.id);
    expect(written.map((e) => [e.type, e.aggregate_version])).toEqual([
      ['listing.published', 3],
      ['listing.updated', 4],
      ['listing.status_changed', 5],
      ['listing.status_changed', 6],
    ]);
    expect(written[0].payload).toMatchObject({
      listingId: listing.id,
      status: 'published',
      title: 'Family house with a garden',
      priceAmount: 950000000,
      currency: 'CZK',
      city: 'Brno',
      features: ['garden', 'garage'],
    });
    expect(written[1].payload).toMatchObject({ priceAmount: 899000000 });
    expect(written[3].payload).toMatchObject({ status: 'sold', previousStatus: 'reserved' });

    const history = await request(http())
      .get(`/api/v1/listings/${listing.id}/history`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(history.body.items.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'draft',
      'published',
      'reserved',
      'sold',
    ]);
    const audit = await request(http())
      .get(`/api/v1/audit-logs?entityType=listing&entityId=${listing.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(audit.body.total).toBe(6);
  });

  it('announces a withdrawal and a return to the market', async () => {
    const listing = await create(standalone({ transaction: 'rent', priceAmount: 3500000 }));
    await setStatus(listing.id, 'published').expect(200);
    await setStatus(listing.id, 'withdrawn').expect(200);
    await setStatus(listing.id, 'published').expect(200);
    const written = await events(listing.id);
    expect(written.map((e) => [e.type, e.payload.status])).toEqual([
      ['listing.published', 'published'],
      ['listing.status_changed', 'withdrawn'],
      ['listing.published', 'published'],
    ]);
  });

  it('lets realtors run their own listings only, and keeps residents and other organisations out', async () => {
    const own = await create(standalone(), realtor.token);
    expect(own.contactUserId).toBe(realtor.id);
    const managers = await create(standalone());
    await request(http())
      .patch(`/api/v1/listings/${managers.id}`)
      .set(bearer(realtor.token))
      .send({ title: 'Taken over' })
      .expect(403);
    expect((await setStatus(managers.id, 'published', realtor.token).expect(403)).body.error.code).toBe(
      'LISTING_NOT_YOURS',
    );
    await request(http()).get(`/api/v1/listings/${managers.id}`).set(bearer(realtor.token)).expect(200);
    await setStatus(own.id, 'published', realtor.token).expect(200);
    const handOver = await request(http())
      .post('/api/v1/listings')
      .set(bearer(realtor.token))
      .send(standalone({ contactUserId: tenantUser.id }))
      .expect(403);
    expect(handOver.body.error.code).toBe('LISTING_NOT_YOURS');
    const badContact = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send(standalone({ contactUserId: tenantUser.id }))
      .expect(422);
    expect(badContact.body.error.code).toBe('CONTACT_NOT_ALLOWED');

    await request(http()).get('/api/v1/listings').set(bearer(tenantUser.token)).expect(403);
    await request(http()).get(`/api/v1/listings/${own.id}`).set(bearer(other.adminToken)).expect(404);
    await setStatus(own.id, 'withdrawn', other.adminToken).expect(404);
    const mine = await request(http())
      .get(`/api/v1/listings?contactUserId=${realtor.id}&status=published`)
      .set(bearer(realtor.token))
      .expect(200);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([own.id]);
  });

  it('stores inquiries delivered by the portal once per portal id, for the listing’s contact to read', async () => {
    const listing = await create(standalone(), realtor.token);
    const portalInquiryId = '0b8c5f3e-2a1d-4c7b-9e6f-3d2c1b0a9f8e';
    const inquiry = {
      portalInquiryId,
      listingId: listing.id,
      name: 'Petr Svoboda',
      email: 'petr@example.com',
      message: 'Can I see it on Saturday?',
    };
    const first = await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(serviceToken))
      .send(inquiry)
      .expect(201);
    const again = await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(serviceToken))
      .send(inquiry)
      .expect(200);
    expect(again.body).toEqual({ id: first.body.id, created: false });

    await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(serviceToken))
      .send({
        ...inquiry,
        portalInquiryId: '1c9d6e4f-3b2a-4d8c-8f7a-4e3d2c1b0a9f',
        listingId: '2d0e7f5a-4c3b-4e9d-9a8b-5f4e3d2c1b0a',
      })
      .expect(404);
    await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(introspectOnlyToken))
      .send(inquiry)
      .expect(403);
    await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(org.adminToken))
      .send(inquiry)
      .expect(403);
    await request(http())
      .post('/api/v1/portal/inquiries')
      .set(bearer(serviceToken))
      .send({ ...inquiry, email: 'not-an-email' })
      .expect(400);

    const seen = await request(http())
      .get(`/api/v1/listings/${listing.id}/inquiries`)
      .set(bearer(realtor.token))
      .expect(200);
    expect(seen.body).toMatchObject({
      total: 1,
      items: [{ name: 'Petr Svoboda', message: 'Can I see it on Saturday?' }],
    });
    await request(http())
      .get(`/api/v1/listings/${listing.id}/inquiries`)
      .set(bearer(org.adminToken))
      .expect(200);
    const managers = await create(standalone());
    await request(http())
      .get(`/api/v1/listings/${managers.id}/inquiries`)
      .set(bearer(realtor.token))
      .expect(403);
    await request(http())
      .get(`/api/v1/listings/${listing.id}/inquiries`)
      .set(bearer(other.adminToken))
      .expect(404);
  });
});
