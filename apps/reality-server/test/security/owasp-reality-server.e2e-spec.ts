import { SigningKeys } from '@ppt/auth';
import { testSigningKey } from '@ppt/testing';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { ListingSnapshot } from '@ppt/events';
import { PortalListingsRepository } from '../../src/modules/listings/portal-listings.repository';
import { signAccessToken } from '../api-server-peer';
import { bootRealityServer, type BootedRealityServer } from '../boot';

/**
 * Black-box OWASP API Security Top 10 (2023) cases against reality-server. Its api-server is a stub
 * that serves the JWKS and answers introspection as the test says, so what the portal does with a
 * peer's answer (good, garbage or hostile) is under the test's control.
 */
describe('reality-server against the OWASP API Security Top 10 (2023)', () => {
  let stub: Server;
  let portal: BootedRealityServer;
  let introspect: (token: string, res: ServerResponse) => void;
  const calls = { introspect: 0 };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  /** What api-server says about a live token: active, with the token's own subject, session and expiry. */
  const truthful = (token: string, res: ServerResponse) => {
    const { sub, sid, exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    json(res, 200, { active: true, sub, sid, exp, org: null, role: null });
  };
  const http = () => portal.app.getHttpServer();
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const expectEnvelope = (body: unknown, code: string) =>
    expect(body).toEqual({ error: expect.objectContaining({ code, requestId: expect.any(String) }) });
  const organizationId = randomUUID();
  const contactUserId = randomUUID();
  /** A listing put into the portal's read model the way the feed does it. */
  const onMarket = async (status: ListingSnapshot['status'] = 'published') => {
    const listingId = randomUUID();
    await portal.app.get(PortalListingsRepository).apply(organizationId, 1, {
      listingId,
      status,
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Byt 2+kk',
      description: 'Sunny',
      priceAmount: 2_000_000,
      currency: 'CZK',
      areaM2: 50,
      rooms: 2,
      floor: 1,
      energyClass: 'C',
      features: [],
      addressLine: 'Street 1',
      city: 'Praha',
      region: 'Hlavní město Praha',
      postalCode: '110 00',
      country: 'CZ',
      latitude: 50.0755,
      longitude: 14.4378,
      photoDocumentIds: [],
      contactUserId,
      publishedAt: '2026-11-01T10:00:00.000Z',
    });
    return listingId;
  };
  const inquire = (listingId: string) =>
    request(http())
      .post(`/api/v1/listings/${listingId}/inquiries`)
      .send({ name: 'Bot', email: 'bot@example.com', message: 'Buy now' });

  beforeAll(async () => {
    const jwks = new SigningKeys(testSigningKey()).jwks();
    stub = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        if (req.url === '/.well-known/jwks.json') return json(res, 200, jwks);
        if (req.url === '/api/v1/oauth/token')
          return json(res, 200, { access_token: 'svc', expires_in: 900 });
        if (req.url === '/api/v1/auth/introspect') {
          calls.introspect++;
          const token = raw.startsWith('{')
            ? (JSON.parse(raw).token as string)
            : (new URLSearchParams(raw).get('token') ?? '');
          return introspect(token, res);
        }
        json(res, 404, {});
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    portal = await bootRealityServer({
      API_SERVER_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
      AUTH_ISSUER: 'http://api.test',
      SSO_CLIENT_ID: 'reality-server',
      SSO_CLIENT_SECRET: 'stub-secret-0123456789',
    });
  });
  afterAll(async () => {
    await portal?.close();
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });
  beforeEach(() => {
    calls.introspect = 0;
    introspect = truthful;
  });

  it("API1:2023 a visitor cannot run or delete another visitor's saved search", async () => {
    const owner = signAccessToken({});
    const stranger = signAccessToken({});
    const saved = await request(http())
      .post('/api/v1/saved-searches')
      .set(as(owner))
      .send({ name: 'Mine', filters: { transaction: 'rent' } })
      .expect(201);
    await request(http())
      .get(`/api/v1/saved-searches/${saved.body.id}/listings`)
      .set(as(stranger))
      .expect(404);
    await request(http()).delete(`/api/v1/saved-searches/${saved.body.id}`).set(as(stranger)).expect(404);
    const list = await request(http()).get('/api/v1/saved-searches').set(as(stranger)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(saved.body.id);
    await request(http()).get(`/api/v1/saved-searches/${saved.body.id}/listings`).set(as(owner)).expect(200);
  });

  it("API1:2023 a visitor's favourites are theirs alone", async () => {
    const listing = await onMarket();
    const [fan, stranger] = [signAccessToken({}), signAccessToken({})];
    await request(http()).put(`/api/v1/favorites/${listing}`).set(as(fan)).expect(204);
    await request(http()).get(`/api/v1/favorites/${listing}`).set(as(fan)).expect(200);
    await request(http()).get(`/api/v1/favorites/${listing}`).set(as(stranger)).expect(404);
    const list = await request(http()).get('/api/v1/favorites').set(as(stranger)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(listing);
  });

  it('API3:2023 a public listing shows neither its organisation nor its contact user', async () => {
    const listing = await onMarket();
    const res = await request(http()).get(`/api/v1/listings/${listing}`).expect(200);
    expect(res.text).not.toContain(organizationId);
    expect(res.text).not.toContain(contactUserId);
    const search = await request(http()).get('/api/v1/listings?limit=100').expect(200);
    expect(search.text).not.toContain(organizationId);
    expect(search.text).not.toContain(contactUserId);
  });

  it('API6:2023 an inquiry flood from one address is cut off with 429 and Retry-After', async () => {
    const listing = await onMarket();
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await inquire(listing);
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(5);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
  });

  it('API6:2023 nobody can send an inquiry about a listing that is off the market or unknown', async () => {
    for (const listing of [await onMarket('withdrawn'), randomUUID()]) {
      const res = await request(http())
        .post(`/api/v1/listings/${listing}/inquiries`)
        .set(as(signAccessToken({})))
        .send({ name: 'Late', email: 'late@example.com', message: 'Still free?' });
      expect(res.status).toBe(404);
    }
  });

  it('API6:2023 an inquiry cannot carry a visitor id or delivery fields of its own choosing', async () => {
    const res = await request(http())
      .post(`/api/v1/listings/${await onMarket()}/inquiries`)
      .set(as(signAccessToken({})))
      .send({
        name: 'X',
        email: 'x@example.com',
        message: 'Hi',
        visitorUserId: randomUUID(),
        status: 'delivered',
      });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'VALIDATION_FAILED');
  });

  it('API2:2023 an unsigned (alg none) or foreign-key token is refused without asking api-server', async () => {
    const claims = JSON.parse(Buffer.from(signAccessToken({}).split('.')[1], 'base64url').toString());
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify(claims),
    ).toString('base64url')}.`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const token of [none, signAccessToken({}, { key: privateKey })]) {
      await request(http()).get('/api/v1/me').set(as(token)).expect(401);
    }
    expect(calls.introspect).toBe(0);
  });

  it('API2:2023 an expired token or one from another issuer is refused', async () => {
    await request(http())
      .get('/api/v1/me')
      .set(as(signAccessToken({ exp: Math.floor(Date.now() / 1000) - 60 })))
      .expect(401);
    await request(http())
      .get('/api/v1/me')
      .set(as(signAccessToken({ iss: 'http://evil.test' })))
      .expect(401);
  });

  it('API2:2023 a well-signed token that api-server calls inactive (logged out) is refused', async () => {
    introspect = (_, res) => json(res, 200, { active: false });
    await request(http())
      .get('/api/v1/me')
      .set(as(signAccessToken({})))
      .expect(401);
    expect(calls.introspect).toBe(1);
  });

  it('API3:2023 a saved search with unknown fields (owner, id) is refused', async () => {
    const res = await request(http())
      .post('/api/v1/saved-searches')
      .set(as(signAccessToken({})))
      .send({ name: 'x', filters: {}, userId: randomUUID(), id: randomUUID() })
      .expect(400);
    expectEnvelope(res.body, 'VALIDATION_FAILED');
  });

  it('API4:2023 listing pages are capped and an oversized body is refused with 413', async () => {
    const page = await request(http()).get('/api/v1/listings?limit=1000').expect(400);
    expectEnvelope(page.body, 'VALIDATION_FAILED');
    const big = await request(http())
      .post('/api/v1/saved-searches')
      .set(as(signAccessToken({})))
      .send({ name: 'x'.repeat(2 * 1024 * 1024), filters: {} })
      .expect(413);
    expectEnvelope(big.body, 'PAYLOAD_TOO_LARGE');
  });

  it('API5:2023 signed-in routes refuse anonymous callers', async () => {
    for (const path of ['/api/v1/me', '/api/v1/favorites', '/api/v1/saved-searches']) {
      await request(http()).get(path).expect(401);
    }
  });

  it('API8:2023 answers carry helmet headers, no X-Powered-By, and CORS does not reflect any origin', async () => {
    const res = await request(http())
      .get('/api/v1/listings')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('API8:2023 malformed JSON is a 400 envelope without a stack trace', async () => {
    const res = await request(http())
      .post('/api/v1/saved-searches')
      .set(as(signAccessToken({})))
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expectEnvelope(res.body, 'MALFORMED_JSON');
    expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|stack/);
  });

  it('API9:2023 documented routes live under /api/v1 or the probes; other versions are 404', async () => {
    const doc = await request(http()).get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths).filter((p) => !/^\/api\/v1\/|^\/health\//.test(p))).toEqual([]);
    for (const path of ['/api/v2/listings', '/api/listings', '/v1/listings']) {
      expectEnvelope((await request(http()).get(path).expect(404)).body, 'NOT_FOUND');
    }
  });

  it('API10:2023 an introspection answer that is not JSON is a 503, never a 500 or a sign-in', async () => {
    introspect = (_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>proxy</html>');
    const res = await request(http())
      .get('/api/v1/me')
      .set(as(signAccessToken({})));
    expect([401, 503]).toContain(res.status);
    expect(res.body.error.code).toEqual(expect.any(String));
  });

  it('API10:2023 an introspection answer of the wrong shape signs nobody in and is not a 500', async () => {
    for (const body of [{ active: 'yes' }, [], null, { active: true }]) {
      introspect = (_, res) => json(res, 200, body);
      const res = await request(http())
        .get('/api/v1/me')
        .set(as(signAccessToken({})));
      expect([401, 503]).toContain(res.status);
    }
  });
});
