import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';

/** Owners and tenants see the units they own or live in (through a person linked to their account). */
describe('resident views through unit occupancy', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let home: string;
  let elsewhere: string;
  let homeMeter: string;
  let otherMeter: string;
  let residentToken: string;
  let occupantId: string;
  let strangerToken: string;

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'res-admin'), 'Residents Org');
    const a = org.adminToken;
    const buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(a))
        .send({ name: 'R', addressLine: 'R 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    home = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(a))
        .send({ buildingId, number: 'H1' })
        .expect(201)
    ).body.id;
    elsewhere = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(a))
        .send({ buildingId, number: 'H2' })
        .expect(201)
    ).body.id;
    homeMeter = (
      await request(http())
        .post('/api/v1/meters')
        .set(bearer(a))
        .send({ unitId: home, type: 'electricity', serialNumber: 'E-HOME' })
        .expect(201)
    ).body.id;
    otherMeter = (
      await request(http())
        .post('/api/v1/meters')
        .set(bearer(a))
        .send({ unitId: elsewhere, type: 'electricity', serialNumber: 'E-OTHER' })
        .expect(201)
    ).body.id;

    const resident = await registerAndLogin(http(), 'res-tenant');
    await addMember(http(), a, org.id, resident.email, 'tenant');
    residentToken = (await login(http(), resident.email, undefined, org.id)).accessToken;
    const person = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(a))
        .send({ firstName: 'Rita', lastName: 'Resident', userId: resident.id })
        .expect(201)
    ).body;
    occupantId = (
      await request(http())
        .post(`/api/v1/units/${home}/occupants`)
        .set(bearer(a))
        .send({ personId: person.id, relation: 'tenant', startsOn: '2025-01-01' })
        .expect(201)
    ).body.id;

    const stranger = await registerAndLogin(http(), 'res-owner-unlinked');
    await addMember(http(), a, org.id, stranger.email, 'owner');
    strangerToken = (await login(http(), stranger.email, undefined, org.id)).accessToken;
  });
  afterAll(() => server.close());

  it('lists the occupants of a unit for managers', async () => {
    const occupants = await request(http())
      .get(`/api/v1/units/${home}/occupants`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(occupants.body).toEqual([
      expect.objectContaining({
        id: occupantId,
        personName: 'Rita Resident',
        relation: 'tenant',
        startsOn: '2025-01-01',
        endsOn: null,
      }),
    ]);
    await request(http()).get(`/api/v1/units/${home}/occupants`).set(bearer(residentToken)).expect(403);
    const bad = await request(http())
      .post(`/api/v1/units/${home}/occupants`)
      .set(bearer(org.adminToken))
      .send({ personId: occupantId, relation: 'landlord', startsOn: '2025-13-01' })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['relation', 'startsOn']),
    );
  });

  it('shows a tenant only their own unit and its meters', async () => {
    const units = await request(http()).get('/api/v1/units').set(bearer(residentToken)).expect(200);
    expect(units.body.items.map((u: { id: string }) => u.id)).toEqual([home]);
    await request(http()).get(`/api/v1/units/${home}`).set(bearer(residentToken)).expect(200);
    await request(http()).get(`/api/v1/units/${elsewhere}`).set(bearer(residentToken)).expect(404);

    const meters = await request(http()).get('/api/v1/meters').set(bearer(residentToken)).expect(200);
    expect(meters.body.items.map((m: { id: string }) => m.id)).toEqual([homeMeter]);
    const filtered = await request(http())
      .get(`/api/v1/meters?unitId=${elsewhere}`)
      .set(bearer(residentToken))
      .expect(200);
    expect(filtered.body.total).toBe(0);
    await request(http()).get(`/api/v1/meters/${otherMeter}`).set(bearer(residentToken)).expect(404);
  });

  it('lets a tenant submit readings for their own meters only', async () => {
    const mine = await request(http())
      .post(`/api/v1/meters/${homeMeter}/readings`)
      .set(bearer(residentToken))
      .send({ value: 1234.5, readOn: '2026-11-01' })
      .expect(201);
    expect(mine.body.value).toBe(1234.5);
    await request(http())
      .post(`/api/v1/meters/${otherMeter}/readings`)
      .set(bearer(residentToken))
      .send({ value: 1, readOn: '2026-11-01' })
      .expect(404);
    await request(http())
      .post('/api/v1/meters')
      .set(bearer(residentToken))
      .send({ unitId: home, type: 'gas', serialNumber: 'G-1' })
      .expect(403);
  });

  it('shows nothing to an owner without a linked person, and nothing once the occupancy has ended', async () => {
    const none = await request(http()).get('/api/v1/units').set(bearer(strangerToken)).expect(200);
    expect(none.body.total).toBe(0);

    await request(http())
      .post(`/api/v1/units/${home}/occupants/${occupantId}/end`)
      .set(bearer(org.adminToken))
      .send({ endsOn: '2024-12-31' })
      .expect(422);
    await request(http())
      .post(`/api/v1/units/${home}/occupants/${occupantId}/end`)
      .set(bearer(org.adminToken))
      .send({ endsOn: '2025-06-30' })
      .expect(204);
    const after = await request(http()).get('/api/v1/units').set(bearer(residentToken)).expect(200);
    expect(after.body.total).toBe(0);
    await request(http()).get(`/api/v1/meters/${homeMeter}`).set(bearer(residentToken)).expect(404);
  });
});
