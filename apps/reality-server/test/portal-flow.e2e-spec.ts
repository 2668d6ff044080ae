import type { NestExpressApplication } from '@nestjs/platform-express';
import { createWorkerApp } from '@ppt/http';
import { bootTestApp, eventually, type BootedApp } from '@ppt/testing';
import request from 'supertest';
import { RealityServerEnv } from '../src/reality-server.env';
import { WorkerModule } from '../src/worker.module';
import { ApiServerPeer, type PortalUser } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

/**
 * The whole chain with every process really running: api-server and its worker (outbox relay) as
 * processes, the portal and its worker in this test. A listing published on the PM side reaches the
 * portal through the portal-feed queue; inquiries travel back to the listing's realtor.
 */
describe('Reality Portal end to end', () => {
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let worker: BootedApp<NestExpressApplication, RealityServerEnv>;
  let manager: { token: string };
  let visitor: PortalUser;
  let other: PortalUser;
  const http = () => portal.app.getHttpServer();
  const asVisitor = (user: PortalUser = visitor) => ({ Authorization: `Bearer ${user.accessToken}` });

  const portalListing = (id: string) => request(http()).get(`/api/v1/listings/${id}`);
  const pm = (method: string, path: string, body?: unknown) => peer.call(method, path, manager.token, body);

  async function publishedListing(overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await pm('POST', '/api/v1/listings', {
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Světlý byt 2+kk na Vinohradech',
      description: 'Po rekonstrukci, balkón do dvora.',
      priceAmount: 2450000,
      currency: 'CZK',
      areaM2: 54,
      rooms: 2,
      addressLine: 'Slezská 12',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
      latitude: 50.0755,
      longitude: 14.4378,
      ...overrides,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await pm('POST', `/api/v1/listings/${id}/status`, { status: 'published' })).status).toBe(200);
    const shown = await eventually(async () => {
      const r = await portalListing(id);
      return r.status === 200 && r;
    }, 20_000);
    expect(shown.status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    peer = await ApiServerPeer.start({ worker: true });
    // The per-IP cases act as clients behind a proxy on loopback, which the portal is told to trust.
    portal = await bootRealityServer({ ...peer.portalEnv(), TRUSTED_PROXIES: '127.0.0.1/32,::1/128' });
    worker = await bootTestApp(RealityServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), {
      ...peer.portalEnv(),
      DATABASE_URL: portal.db.portalUrl,
    });
    const owner = await peer.registerAndLogin('realtor-admin');
    manager = await peer.createOrganization(owner.accessToken);
    visitor = await peer.registerAndLogin('visitor');
    other = await peer.registerAndLogin('other-visitor');
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await portal?.close();
    await peer?.dispose();
  });

  it('shows a listing published on the PM side, follows its price, and drops it when withdrawn', async () => {
    const id = await publishedListing();
    const shown = await portalListing(id).expect(200);
    expect(shown.body).toMatchObject({
      title: 'Světlý byt 2+kk na Vinohradech',
      priceAmount: 2450000,
      city: 'Praha',
    });
    const found = await request(http())
      .get('/api/v1/listings?q=vinohrad%20balkon&transaction=rent')
      .expect(200);
    expect(found.body.items.map((l: { id: string }) => l.id)).toContain(id);

    expect((await pm('PATCH', `/api/v1/listings/${id}`, { priceAmount: 2290000 })).status).toBe(200);
    const cheaper = await eventually(async () => {
      const r = await portalListing(id);
      return r.body.priceAmount === 2290000 && r;
    }, 20_000);
    expect(cheaper.body.priceAmount).toBe(2290000);

    expect((await pm('POST', `/api/v1/listings/${id}/status`, { status: 'withdrawn' })).status).toBe(200);
    const gone = await eventually(async () => {
      const r = await portalListing(id);
      return r.status === 404 && r;
    }, 20_000);
    expect(gone.status).toBe(404);
    const search = await request(http()).get('/api/v1/listings?limit=100').expect(200);
    expect(search.body.items.map((l: { id: string }) => l.id)).not.toContain(id);
  });

  it('keeps favourites per signed-in visitor, without any PM membership', async () => {
    const id = await publishedListing({ title: 'Byt 3+1 se zahradou' });
    await request(http()).put(`/api/v1/favorites/${id}`).set(asVisitor()).expect(204);
    await request(http()).put(`/api/v1/favorites/${id}`).set(asVisitor()).expect(204);
    const mine = await request(http()).get('/api/v1/favorites').set(asVisitor()).expect(200);
    expect(mine.body).toMatchObject({ total: 1, items: [{ id, title: 'Byt 3+1 se zahradou' }] });
    expect(mine.body.items[0].favoritedAt).toEqual(expect.any(String));
    const theirs = await request(http()).get('/api/v1/favorites').set(asVisitor(other)).expect(200);
    expect(theirs.body.total).toBe(0);
    const one = await request(http()).get(`/api/v1/favorites/${id}`).set(asVisitor()).expect(200);
    expect(one.body).toMatchObject({ id, title: 'Byt 3+1 se zahradou', favoritedAt: expect.any(String) });
    const notTheirs = await request(http()).get(`/api/v1/favorites/${id}`).set(asVisitor(other)).expect(404);
    expect(notTheirs.body.error.code).toBe('FAVORITE_NOT_FOUND');

    await request(http())
      .put('/api/v1/favorites/5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f')
      .set(asVisitor())
      .expect(404);
    await request(http()).put('/api/v1/favorites/not-a-uuid').set(asVisitor()).expect(400);
    await request(http()).get('/api/v1/favorites').expect(401);

    // The same account has no organisation, so the PM API refuses it.
    const buildings = await peer.call('GET', '/api/v1/buildings', visitor.accessToken);
    expect(buildings.status).toBe(403);
    expect((buildings.body.error as { code: string }).code).toBe('FORBIDDEN');

    await request(http()).delete(`/api/v1/favorites/${id}`).set(asVisitor()).expect(204);
    expect((await request(http()).get('/api/v1/favorites').set(asVisitor()).expect(200)).body.total).toBe(0);
    await request(http()).get(`/api/v1/favorites/${id}`).set(asVisitor()).expect(404);
  });

  it('hides a favourite while its listing is off the market and shows it again when it returns', async () => {
    const id = await publishedListing({ title: 'Garsoniéra u parku' });
    await request(http()).put(`/api/v1/favorites/${id}`).set(asVisitor(other)).expect(204);
    await pm('POST', `/api/v1/listings/${id}/status`, { status: 'withdrawn' });
    const hidden = await eventually(async () => {
      const r = await request(http()).get('/api/v1/favorites').set(asVisitor(other));
      return r.body.total === 0 && r;
    }, 20_000);
    expect(hidden.body.total).toBe(0);
    await pm('POST', `/api/v1/listings/${id}/status`, { status: 'published' });
    const back = await eventually(async () => {
      const r = await request(http()).get('/api/v1/favorites').set(asVisitor(other));
      return r.body.total === 1 && r;
    }, 20_000);
    expect(back.body.items.map((l: { id: string }) => l.id)).toEqual([id]);
  });

  it('saves searches with validated filters and runs them', async () => {
    const id = await publishedListing({ title: 'Mezonet na Žižkově', priceAmount: 3100000, rooms: 4 });
    const saved = await request(http())
      .post('/api/v1/saved-searches')
      .set(asVisitor())
      .send({ name: 'Big flats', filters: { transaction: 'rent', roomsMin: 4, priceMax: 3500000 } })
      .expect(201);
    expect(saved.body).toMatchObject({
      name: 'Big flats',
      filters: { transaction: 'rent', roomsMin: 4, priceMax: 3500000 },
    });
    const run = await request(http())
      .get(`/api/v1/saved-searches/${saved.body.id}/listings`)
      .set(asVisitor())
      .expect(200);
    expect(run.body.items.map((l: { id: string }) => l.id)).toEqual([id]);

    const invalid = await request(http())
      .post('/api/v1/saved-searches')
      .set(asVisitor())
      .send({ name: '', filters: { roomsMin: -1, colour: 'red' } })
      .expect(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'filters.colour',
      'filters.roomsMin',
      'name',
    ]);
    const partial = await request(http())
      .post('/api/v1/saved-searches')
      .set(asVisitor())
      .send({ name: 'Near', filters: { lat: 50, lng: 14 } })
      .expect(400);
    expect(partial.body.error.code).toBe('INCOMPLETE_RADIUS');

    await request(http()).delete(`/api/v1/saved-searches/${saved.body.id}`).set(asVisitor(other)).expect(404);
    await request(http())
      .get(`/api/v1/saved-searches/${saved.body.id}/listings`)
      .set(asVisitor(other))
      .expect(404);
    expect(
      (await request(http()).get('/api/v1/saved-searches').set(asVisitor()).expect(200)).body.total,
    ).toBe(1);
    await request(http()).delete(`/api/v1/saved-searches/${saved.body.id}`).set(asVisitor()).expect(204);
    expect(
      (await request(http()).get('/api/v1/saved-searches').set(asVisitor()).expect(200)).body.total,
    ).toBe(0);
  });

  it("delivers inquiries, anonymous and signed in, to the listing's realtor on api-server", async () => {
    const id = await publishedListing({ title: 'Byt 1+kk u metra' });
    await request(http())
      .post(`/api/v1/listings/${id}/inquiries`)
      .set('X-Forwarded-For', '198.51.100.7')
      .send({ name: 'Petr Svoboda', email: 'petr@example.com', message: 'Je byt volný od ledna?' })
      .expect(202);
    await request(http())
      .post(`/api/v1/listings/${id}/inquiries`)
      .set(asVisitor())
      .send({
        name: 'Signed In',
        email: 'visitor@example.com',
        phone: '+420 602 345 678',
        message: 'Prohlídka v sobotu?',
      })
      .expect(202);

    const received = await eventually(async () => {
      const r = await pm('GET', `/api/v1/listings/${id}/inquiries`);
      return r.body.total === 2 && r;
    }, 20_000);
    const items = received.body.items as { name: string; visitorUserId: string | null; message: string }[];
    expect(items.map((i) => [i.name, i.visitorUserId]).sort()).toEqual([
      ['Petr Svoboda', null],
      ['Signed In', visitor.id],
    ]);

    // The realtor replies on the PM side; the signed-in visitor sees the reply under their inquiries.
    const leads = await pm('GET', `/api/v1/leads?listingId=${id}&status=new`);
    const lead = (leads.body.items as { id: string; name: string }[]).find((l) => l.name === 'Signed In');
    const replied = await pm('POST', `/api/v1/leads/${lead?.id}/replies`, { message: 'Ano, v sobotu v 10:00.' });
    expect(replied.status).toBe(201);
    const mine = await eventually(async () => {
      const r = await request(http()).get('/api/v1/me/inquiries').set(asVisitor()).expect(200);
      return r.body.items[0]?.replies.length === 1 && r.body;
    }, 20_000);
    expect(mine).toMatchObject({
      total: 1,
      items: [
        {
          listingId: id,
          listingTitle: 'Byt 1+kk u metra',
          message: 'Prohlídka v sobotu?',
          replies: [{ id: replied.body.id, message: 'Ano, v sobotu v 10:00.' }],
        },
      ],
    });
    expect((await request(http()).get('/api/v1/me/inquiries').set(asVisitor(other)).expect(200)).body).toMatchObject(
      { total: 0, items: [] },
    );
    await request(http()).get('/api/v1/me/inquiries').expect(401);

    const bad = await request(http())
      .post(`/api/v1/listings/${id}/inquiries`)
      .send({ name: 'X', email: 'not-an-email', message: '' })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'message',
    ]);
    await request(http())
      .post('/api/v1/listings/5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f/inquiries')
      .send({ name: 'X', email: 'x@example.com', message: 'Hello' })
      .expect(404);
    await request(http())
      .post(`/api/v1/listings/${id}/inquiries`)
      .set('Authorization', 'Bearer not.a.token')
      .send({ name: 'X', email: 'x@example.com', message: 'Hello' })
      .expect(401);
  });

  it('limits anonymous inquiries per IP with 429 and Retry-After', async () => {
    const id = await publishedListing({ title: 'Byt na spam' });
    const send = () =>
      request(http())
        .post(`/api/v1/listings/${id}/inquiries`)
        .set('X-Forwarded-For', '203.0.113.42')
        .send({ name: 'Bot', email: 'bot@example.com', message: 'Buy now' });
    for (let i = 0; i < 5; i++) await send().expect(202);
    const limited = await send().expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another IP is not affected.
    await request(http())
      .post(`/api/v1/listings/${id}/inquiries`)
      .set('X-Forwarded-For', '203.0.113.43')
      .send({ name: 'Person', email: 'person@example.com', message: 'Hello' })
      .expect(202);
  });

  it('counts a whole IPv6 /64 as one sender (a subscriber can take a new address for every request)', async () => {
    const id = await publishedListing({ title: 'Byt na spam přes IPv6' });
    const sendFrom = (address: string) =>
      request(http())
        .post(`/api/v1/listings/${id}/inquiries`)
        .set('X-Forwarded-For', address)
        .send({ name: 'Bot', email: 'bot@example.com', message: 'Buy now' });
    for (let i = 1; i <= 5; i++) await sendFrom(`2001:db8:42:7::${i}`).expect(202);
    await sendFrom('2001:db8:42:7:ffff::9').expect(429);
    await sendFrom('2001:db8:42:8::1').expect(202); // the next /64 is someone else
  });
});
