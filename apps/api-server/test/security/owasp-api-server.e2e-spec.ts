import { sign } from 'jsonwebtoken';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { testSigningKey } from '@ppt/testing';
import { bootApiServer, type BootedApiServer } from '../boot';
import {
  addMember,
  asOwner,
  bearer,
  createOrganization,
  login,
  PASSWORD,
  registerAndLogin,
} from '../identity';
import { seedOrganization, serviceToken, type SeededOrganization } from './organization-fixture';

/**
 * Black-box OWASP API Security Top 10 (2023) cases against api-server: behaviour that holds today and
 * must keep holding. Org B has data in every feature; org A is a second, small organisation.
 */
describe('api-server against the OWASP API Security Top 10 (2023)', () => {
  let server: BootedApiServer;
  let storageRoot: string;
  const http = () => server.app.getHttpServer();
  let b: SeededOrganization;
  let a: { id: string; adminToken: string };
  const first = (kind: string) => b.ids.get(kind)?.[0] as string;
  const as = (token: string) => ({
    get: (path: string) => request(http()).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, body: object = {}) =>
      request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body),
    patch: (path: string, body: object) =>
      request(http()).patch(`/api/v1${path}`).set(bearer(token)).send(body),
    delete: (path: string) => request(http()).delete(`/api/v1${path}`).set(bearer(token)),
  });
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  const expectEnvelope = (body: { error?: { code?: unknown } }, code: string) =>
    expect(body).toEqual({ error: expect.objectContaining({ code, requestId: expect.any(String) }) });

  beforeAll(async () => {
    storageRoot = await mkdtemp(join(tmpdir(), 'ppt-owasp-'));
    server = await bootApiServer({
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: storageRoot,
      SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      OUTBOUND_ALLOWED_CIDRS: '', // production's default: no private address is allow-listed
      AUTH_MAX_ATTEMPTS_PER_IP: '1000',
    });
    b = await seedOrganization(server, 'owaspb', await serviceToken(server, ['listings:inquiries']));
    a = await createOrganization(http(), await registerAndLogin(http(), 'owasp-a-admin'));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });

  describe('API1:2023 broken object level authorization', () => {
    it("API1:2023 an org admin cannot read, change or delete another organisation's building", async () => {
      const building = first('buildings');
      for (const res of [
        await as(a.adminToken).get(`/buildings/${building}`),
        await as(a.adminToken).patch(`/buildings/${building}`, { name: 'taken over' }),
        await as(a.adminToken).delete(`/buildings/${building}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.text).not.toContain(b.marker);
      }
      const still = await as(b.tokens.org_admin).get(`/buildings/${building}`).expect(200);
      expect(still.body.name).toContain(b.marker);
    });

    it("API1:2023 an org admin cannot download another organisation's document or read its text", async () => {
      const document = first('documents');
      for (const path of [
        `/documents/${document}`,
        `/documents/${document}/download`,
        `/documents/${document}/text`,
      ]) {
        const res = await as(a.adminToken).get(path);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain(b.marker);
      }
    });

    it("API1:2023 an org admin cannot remove another organisation's member through their own organisation's path", async () => {
      const res = await as(a.adminToken).delete(`/organizations/${a.id}/members/${first('members')}`);
      expect(res.status).toBe(404);
      await as(b.tokens.org_admin).get(`/organizations/${b.id}/members`).expect(200);
      const members = await as(b.tokens.org_admin).get(`/organizations/${b.id}/members`);
      expect(JSON.stringify(members.body)).toContain(first('members'));
    });

    it('API1:2023 an owner cannot read the conversation between a tenant and the admin of the same organisation', async () => {
      const conversation = first('conversations');
      const res = await as(b.tokens.owner).get(`/conversations/${conversation}/messages`);
      expect([403, 404]).toContain(res.status);
      expect(res.text).not.toContain(`Hi ${b.marker}`);
    });

    it("API1:2023 a cast ballot's receipt is not readable from another organisation", async () => {
      const res = await as(a.adminToken).get(
        `/votes/${b.ids.get('votes')?.[0]}/receipts/${first('ballots')}`,
      );
      expect(res.status).toBe(404);
    });
  });

  describe('API2:2023 broken authentication', () => {
    const forged = (claims: Record<string, unknown>, header: object = {}) =>
      sign(claims, Buffer.from(testSigningKey(), 'base64').toString(), {
        algorithm: 'RS256',
        header: { alg: 'RS256', ...header },
      });

    it('API2:2023 an unsigned token (alg none) is refused', async () => {
      const claims = claimsOf(b.tokens.org_admin);
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
        JSON.stringify(claims),
      ).toString('base64url')}.`;
      const res = await as(none).get('/auth/me').expect(401);
      expect(res.body.error.code).toEqual(expect.any(String));
    });

    it('API2:2023 a token whose payload was edited (tenant → org_admin) is refused', async () => {
      const [header, , signature] = b.tokens.tenant.split('.');
      const claims = { ...claimsOf(b.tokens.tenant), role: 'org_admin' };
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      await as(tampered).get('/auth/me').expect(401);
      await as(tampered).get('/expenses').expect(401);
    });

    it('API2:2023 an expired token is refused though its signature is good', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { ...claimsOf(b.tokens.org_admin), iat: now - 3600, nbf: now - 3600, exp: now - 1800 };
      const header = JSON.parse(Buffer.from(b.tokens.org_admin.split('.')[0], 'base64url').toString());
      await as(forged(claims, header)).get('/auth/me').expect(401);
    });

    it('API2:2023 a token from another issuer, or signed with another key, is refused', async () => {
      const claims = claimsOf(b.tokens.org_admin);
      const header = JSON.parse(Buffer.from(b.tokens.org_admin.split('.')[0], 'base64url').toString());
      await as(forged({ ...claims, iss: 'http://evil.test' }, header))
        .get('/auth/me')
        .expect(401);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const foreign = sign(claims, privateKey, { algorithm: 'RS256', header: header });
      await as(foreign).get('/auth/me').expect(401);
    });

    it('API2:2023 a refresh token is not accepted as a bearer token, and no token means 401', async () => {
      const user = await registerAndLogin(http(), 'owasp-refresh');
      await as(user.refreshToken).get('/auth/me').expect(401);
      const anonymous = await request(http()).get('/api/v1/buildings').expect(401);
      expect(anonymous.body.error.code).toEqual(expect.any(String));
    });
  });

  describe('API3:2023 broken object property level authorization', () => {
    const secretKeys = /password|hash|secret|salt|token_?hash/i;
    const keysOf = (value: unknown): string[] =>
      value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];

    it('API3:2023 no answer about users, members, sessions or people carries a password or token hash', async () => {
      const answers = [
        await as(b.tokens.org_admin).get('/auth/me').expect(200),
        await as(b.tokens.org_admin).get(`/organizations/${b.id}/members`).expect(200),
        await as(b.tokens.org_admin).get('/auth/sessions').expect(200),
        await as(b.tokens.org_admin)
          .get(`/people/${first('people')}`)
          .expect(200),
        await as(b.tokens.org_admin).get('/people').expect(200),
      ];
      for (const res of answers) {
        expect(keysOf(res.body).filter((key) => secretKeys.test(key))).toEqual([]);
        expect(res.text).not.toMatch(/\$argon2/);
      }
    });

    it('API3:2023 registering with isPlatformAdmin is refused as an unknown field and makes nobody an operator', async () => {
      const email = `owasp-mass-${randomUUID().slice(0, 8)}@example.com`;
      const res = await request(http())
        .post('/api/v1/auth/register')
        .send({ email, password: 'correct horse battery staple', displayName: 'Mass', isPlatformAdmin: true })
        .expect(400);
      expectEnvelope(res.body, 'VALIDATION_FAILED');
      const rows = await asOwner(server, (db) => db.query('SELECT 1 FROM users WHERE email = $1', [email]));
      expect(rows.rowCount).toBe(0);
    });

    it('API3:2023 a building cannot be created in another organisation by naming its organizationId', async () => {
      const res = await as(a.adminToken).post('/buildings', {
        name: 'Smuggled',
        addressLine: 'Nowhere 1',
        city: 'Praha',
        postalCode: '110 00',
        country: 'CZ',
        organizationId: b.id,
      });
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain('organizationId');
    });

    it('API3:2023 a tenant cannot change a fault’s assignee or vendor through the fields of an update', async () => {
      const res = await as(b.tokens.tenant).patch(`/faults/${first('faults')}`, {
        assigneeUserId: b.users.tenant.id,
      });
      expect([403, 422]).toContain(res.status);
      const fault = await as(b.tokens.org_admin)
        .get(`/faults/${first('faults')}`)
        .expect(200);
      expect(fault.body.assigneeUserId ?? null).not.toBe(b.users.tenant.id);
    });
  });

  describe('API4:2023 unrestricted resource consumption', () => {
    it('API4:2023 a JSON body over the limit is refused with 413 before it reaches a handler', async () => {
      const res = await as(b.tokens.org_admin)
        .post('/buildings', { name: 'x'.repeat(2 * 1024 * 1024) })
        .expect(413);
      expectEnvelope(res.body, 'PAYLOAD_TOO_LARGE');
    });

    it('API4:2023 pages are capped: limit above 100 or a negative offset is refused', async () => {
      for (const query of ['limit=101', 'limit=100000', 'offset=-1', 'limit=abc']) {
        const res = await as(b.tokens.org_admin).get(`/buildings?${query}`).expect(400);
        expectEnvelope(res.body, 'VALIDATION_FAILED');
      }
      await as(b.tokens.org_admin).get('/buildings?limit=100').expect(200);
    });

    it('API4:2023 an upload larger than UPLOAD_MAX_BYTES is refused when it starts', async () => {
      const res = await as(b.tokens.org_admin).post('/uploads', {
        category: 'report',
        fileName: 'huge.pdf',
        sizeBytes: server.env.UPLOAD_MAX_BYTES + 1,
        chunkSizeBytes: 5_242_880,
      });
      expect(res.status).toBe(413);
      expectEnvelope(res.body, 'UPLOAD_TOO_LARGE');
    });

    it('API4:2023 a search text longer than 100 characters is refused', async () => {
      const res = await as(b.tokens.org_admin)
        .get(`/people?q=${'a'.repeat(101)}`)
        .expect(400);
      expectEnvelope(res.body, 'VALIDATION_FAILED');
    });
  });

  describe('API5:2023 broken function level authorization', () => {
    it('API5:2023 a tenant cannot call manager routes (create a building, read expenses or the audit log)', async () => {
      const create = await as(b.tokens.tenant).post('/buildings', {
        name: 'Tenant house',
        addressLine: 'Nowhere 1',
        city: 'Praha',
        postalCode: '110 00',
        country: 'CZ',
      });
      expect(create.status).toBe(403);
      await as(b.tokens.tenant).get('/expenses').expect(403);
      await as(b.tokens.tenant).get('/audit-logs').expect(403);
    });

    it('API5:2023 an org admin who is not a platform administrator cannot disable a user', async () => {
      const res = await as(b.tokens.org_admin).post(`/platform/users/${b.users.tenant.id}/disable`);
      expect(res.status).toBe(403);
      await as(b.tokens.tenant).get('/auth/me').expect(200);
    });

    it('API5:2023 a tenant cannot promote themselves, and a realtor cannot rename the organisation', async () => {
      const members = await as(b.tokens.org_admin).get(`/organizations/${b.id}/members`).expect(200);
      const own = (members.body.items as { id: string; userId: string }[]).find(
        (m) => m.userId === b.users.tenant.id,
      );
      const promote = await as(b.tokens.tenant).patch(`/organizations/${b.id}/members/${own?.id}`, {
        role: 'org_admin',
      });
      expect(promote.status).toBe(403);
      const rename = await as(b.tokens.realtor).patch(`/organizations/${b.id}`, { name: 'Realtor Inc' });
      expect(rename.status).toBe(403);
    });

    it('API5:2023 a person-level token cannot use the service route that delivers portal inquiries', async () => {
      const res = await as(b.tokens.org_admin).post('/portal/inquiries', {
        portalInquiryId: randomUUID(),
        listingId: first('listings'),
        name: 'Spoofed',
        email: 'spoof@example.com',
        message: 'Pretending to be the portal',
      });
      expect(res.status).toBe(403);
    });
  });

  describe('API6:2023 unrestricted access to sensitive business flows', () => {
    const ballot = async (token: string, unitId: string) => {
      const vote = await as(b.tokens.org_admin)
        .get(`/votes/${b.ids.get('votes')?.[0]}`)
        .expect(200);
      const question = vote.body.questions[0] as { id: string; options: { id: string }[] };
      return request(http()).post(`/api/v1/votes/${vote.body.id}/ballots`).set(bearer(token)).send({
        unitId,
        questionId: question.id,
        optionId: question.options[1].id,
      });
    };

    it('API6:2023 casting a ballot twice replaces the first: one unit, one counted ballot', async () => {
      const again = await ballot(b.tokens.owner, first('units'));
      expect(again.status).toBe(201);
      expect(again.body.supersedesBallotId).toBe(first('ballots'));
      const third = await ballot(b.tokens.owner, first('units'));
      expect(third.status).toBe(201);
      expect(third.body.supersedesBallotId).toBe(again.body.ballotId);
    });

    it('API6:2023 nobody votes for a unit they do not own', async () => {
      const tenant = await ballot(b.tokens.tenant, first('units'));
      expect([403, 404]).toContain(tenant.status);
      const otherUnit = await ballot(b.tokens.owner, b.ids.get('units')?.[1] as string);
      expect([403, 404, 422]).toContain(otherUnit.status);
    });

    it('API6:2023 a replayed portal inquiry is stored once', async () => {
      const portal = await serviceToken(server, ['listings:inquiries']);
      const inquiry = {
        portalInquiryId: randomUUID(),
        listingId: first('listings'),
        name: 'Replay',
        email: 'replay@example.com',
        message: 'Same inquiry twice',
      };
      const once = await as(portal).post('/portal/inquiries', inquiry).expect(201);
      const twice = await as(portal).post('/portal/inquiries', inquiry).expect(200);
      expect(twice.body).toEqual({ id: once.body.id, created: false });
    });
  });

  describe('API7:2023 server side request forgery', () => {
    const target = (endpoint: string) =>
      request(http())
        .put('/api/v1/syndication/portals/webhook')
        .set(bearer(b.tokens.org_admin))
        .send({
          enabled: true,
          credentials: { secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
          options: { endpoint },
        });

    it.each([
      ['loopback', 'https://127.0.0.1:6379/'],
      ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
      ['IPv6 loopback', 'https://[::1]/hook'],
      ['a private network', 'https://10.0.0.5/hook'],
      ['localhost by name', 'https://localhost/hook'],
      ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook'],
      ['carrier-grade NAT', 'https://100.64.0.1/hook'],
      ['the unspecified address', 'https://[::]/hook'],
    ])('API7:2023 a portal endpoint on %s is refused', async (_, endpoint) => {
      const res = await target(endpoint);
      expect(res.status).toBe(422);
      expectEnvelope(res.body, 'PORTAL_ENDPOINT_NOT_ALLOWED');
    });

    it('API7:2023 a portal endpoint over plain http or another scheme is refused', async () => {
      expect((await target('http://portal.example.com/hook')).status).toBe(422);
      for (const endpoint of ['file:///etc/passwd', 'gopher://portal.example.com/']) {
        expect([400, 422]).toContain((await target(endpoint)).status);
      }
    });
  });

  describe('API8:2023 security misconfiguration', () => {
    it('API8:2023 answers carry helmet headers and no X-Powered-By', async () => {
      const res = await request(http()).get('/health/live').expect(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toEqual(expect.any(String));
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    });

    it('API8:2023 CORS does not reflect an arbitrary origin or allow it with credentials', async () => {
      const preflight = await request(http())
        .options('/api/v1/buildings')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await request(http()).get('/health/live').set('Origin', 'https://evil.example');
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('API8:2023 malformed input and unknown routes answer with the envelope, never a stack trace', async () => {
      const malformed = await request(http())
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "x@example.com", "password": ')
        .expect(400);
      expectEnvelope(malformed.body, 'MALFORMED_JSON');
      const notUuid = await as(b.tokens.org_admin).get('/buildings/not-a-uuid');
      expect(notUuid.status).toBeLessThan(500);
      for (const res of [malformed, notUuid]) {
        expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|QueryFailedError|stack/);
      }
    });

    it('API8:2023 Bull Board is not open to anonymous callers or ordinary members', async () => {
      // Refused (401/403) or sent to a login (302/303), depending on how operators sign in; never served.
      const refusals = [
        await request(http()).get('/admin/queues'),
        await request(http()).get('/admin/queues/api/queues'),
        await request(http()).get('/admin/queues/api/queues').set(bearer(b.tokens.org_admin)),
        await request(http()).get('/admin/queues/api/queues').auth(b.users.org_admin.email, PASSWORD),
      ];
      for (const res of refusals) {
        expect([302, 303, 401, 403]).toContain(res.status);
        expect(res.text).not.toContain('portal-feed');
      }
    });
  });

  describe('API9:2023 improper inventory management', () => {
    const documented = async () =>
      (await request(http()).get('/api/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };

    it('API9:2023 every documented route lives under /api/v1, the probes or the JWKS', async () => {
      const paths = Object.keys((await documented()).paths);
      expect(paths.filter((p) => !/^\/api\/v1\/|^\/health\/|^\/\.well-known\//.test(p))).toEqual([]);
    });

    it('API9:2023 an unknown or unversioned API path is a 404 in the envelope', async () => {
      for (const path of ['/api/v2/buildings', '/api/buildings', '/api/v0/auth/me', '/v1/buildings']) {
        const res = await request(http()).get(path).set(bearer(b.tokens.org_admin)).expect(404);
        expectEnvelope(res.body, 'NOT_FOUND');
      }
    });

    it('API9:2023 every documented operation is served: protected ones answer 401 to a stranger, none 404', async () => {
      const doc = await documented();
      const unserved: string[] = [];
      const unprotected: string[] = [];
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const concrete = path.replace(/\{[^}]+\}/g, randomUUID());
          const res = await (request(http()) as unknown as Record<string, (p: string) => request.Test>)[
            method
          ](concrete);
          if (res.status === 404 && res.body?.error?.code === 'NOT_FOUND') unserved.push(`${method} ${path}`);
          // `{}` among the requirements: credentials are optional there (the token endpoint's client
          // may authenticate in the body instead).
          const anonymousAllowed = (operation.security ?? []).some(
            (r) => Object.keys(r as object).length === 0,
          );
          if (operation.security?.length && !anonymousAllowed && res.status !== 401)
            unprotected.push(`${method} ${path} ${res.status}`);
        }
      }
      expect({ unserved, unprotected }).toEqual({ unserved: [], unprotected: [] });
    });
  });

  describe('API10:2023 unsafe consumption of APIs', () => {
    it('API10:2023 an unsigned portal webhook is refused and changes nothing', async () => {
      const before = await asOwner(server, (db) => db.query('SELECT count(*) FROM portal_webhook_receipts'));
      const res = await request(http())
        .post('/api/v1/webhooks/portals/webhook')
        .send({ type: 'inquiry.created', data: { listingId: first('listings') } });
      expect([400, 401, 404]).toContain(res.status);
      expect(res.body.error.code).toEqual(expect.any(String));
      const after = await asOwner(server, (db) => db.query('SELECT count(*) FROM portal_webhook_receipts'));
      expect(after.rows).toEqual(before.rows);
    });

    it('API10:2023 a malformed portal webhook body is a client error, never a 500', async () => {
      for (const body of ['not json', '{"type": 42}', '[]', '{"type":"x","data":"y"}']) {
        const res = await request(http())
          .post('/api/v1/webhooks/portals/webhook')
          .set('Content-Type', 'application/json')
          .send(body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
    });

    it('API10:2023 introspection of a forged or garbage token says inactive, not an error', async () => {
      const portal = await serviceToken(server, ['sso:introspect']);
      for (const token of ['garbage', `${b.tokens.tenant}x`, 'a.b.c']) {
        const res = await as(portal).post('/auth/introspect', { token });
        expect(res.status).toBe(200);
        expect(res.body.active).toBe(false);
      }
    });
  });

  // Keeps the helpers honest: the org admin of A sees A, so 404s above are about B, not a broken token.
  it('API1:2023 the same org admin token reads its own organisation (control)', async () => {
    await as(a.adminToken).get(`/organizations/${a.id}`).expect(200);
    const member = await registerAndLogin(http(), 'owasp-a-member');
    await addMember(http(), a.adminToken, a.id, member.email, 'manager');
    await as((await login(http(), member.email, undefined, a.id)).accessToken)
      .get('/buildings')
      .expect(200);
  });
});
