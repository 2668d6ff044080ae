import { getQueueToken } from '@nestjs/bull';
import { QueueName } from '@ppt/queue';
import { eventually } from '@ppt/testing';
import type { Queue } from 'bull';
import type { Server } from 'node:http';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from '../boot';
import {
  asOwner,
  bearer,
  createOrganization,
  login,
  makePlatformAdmin,
  PASSWORD,
  registerAndLogin,
  type TestUser,
} from '../identity';

const HOUR_MS = 60 * 60 * 1000;
const FAILED_LOGINS_ALLOWED = 3;

interface OperatorCookies {
  /** The Cookie header a browser would send to /admin/… */
  cookie: string;
  csrf: string;
  setCookie: string[];
}

/** Signs in on the operators' form as a browser on the board's own origin would. */
async function operatorSignIn(http: Server, email: string, password = PASSWORD): Promise<OperatorCookies> {
  const res = await request(http)
    .post('/admin/login')
    .type('form')
    .send({ email, password })
    .expect(303)
    .expect('Location', '/admin/queues');
  const setCookie = res.headers['set-cookie'] as unknown as string[];
  const pairs = setCookie.map((c) => c.split(';')[0] ?? '');
  const csrf = pairs.find((p) => p.startsWith('XSRF-TOKEN='))?.slice('XSRF-TOKEN='.length) ?? '';
  return { cookie: pairs.join('; '), csrf: decodeURIComponent(csrf), setCookie };
}

describe('Operator sign-in for Bull Board (security)', () => {
  let server: BootedApiServer;
  let http: Server;
  let operator: TestUser;
  let syndication: Queue;
  let host: string;

  beforeAll(async () => {
    server = await bootApiServer({ AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT: String(FAILED_LOGINS_ALLOWED) });
    http = server.app.getHttpServer();
    await server.app.listen(0, '127.0.0.1');
    const address = http.address();
    host = typeof address === 'object' && address ? `127.0.0.1:${address.port}` : '';
    operator = await registerAndLogin(http, 'operator');
    await makePlatformAdmin(server, operator.id);
    syndication = server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
  });

  afterAll(async () => {
    await server?.close();
  });

  /** A delayed job to act on, unique per test. */
  async function delayedJob(label: string): Promise<string> {
    const id = `portal-sync:${label}:sreality`;
    await syndication.add(
      'portal-sync',
      { listingId: label, portal: 'sreality' },
      { jobId: id, delay: HOUR_MS },
    );
    return id;
  }

  const promote = (jobId: string) =>
    request(http).put(
      `/admin/queues/api/queues/${QueueName.Syndication}/${encodeURIComponent(jobId)}/promote`,
    );

  it('API2:2023 the board API answers 401 OPERATOR_SESSION_REQUIRED without an operator session, and its pages send browsers to the sign-in page', async () => {
    const api = await request(http).get('/admin/queues/api/queues').expect(401);
    expect(api.body.error.code).toBe('OPERATOR_SESSION_REQUIRED');
    expect(api.headers['www-authenticate']).toBeUndefined();
    await request(http).get('/admin/queues').expect(303).expect('Location', '/admin/login');
  });

  it("API2:2023 a platform administrator's password as HTTP Basic credentials no longer opens the board", async () => {
    const basic = Buffer.from(`${operator.email}:${PASSWORD}`).toString('base64');
    const res = await request(http)
      .get('/admin/queues/api/queues')
      .set('Authorization', `Basic ${basic}`)
      .expect(401);
    expect(res.body.error.code).toBe('OPERATOR_SESSION_REQUIRED');
  });

  it('API2:2023 the operator session cookie is HttpOnly, SameSite=Strict and scoped to /admin; the board opens with it', async () => {
    const signedIn = await operatorSignIn(http, operator.email);
    const session = signedIn.setCookie.find((c) => c.startsWith('ppt_operator='));
    expect(session).toMatch(/; Path=\/admin/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    const res = await request(http)
      .get('/admin/queues/api/queues')
      .set('Cookie', signedIn.cookie)
      .expect(200);
    expect(res.body.queues.map((q: { name: string }) => q.name)).toContain(QueueName.Syndication);
  });

  it('API5:2023 an account that is not a platform administrator cannot start an operator session, nor can an API bearer token open the board', async () => {
    const resident = await registerAndLogin(http, 'resident');
    const res = await request(http)
      .post('/admin/login')
      .set('Accept', 'application/json')
      .send({ email: resident.email, password: PASSWORD })
      .expect(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(res.headers['set-cookie']).toBeUndefined();
    await request(http).get('/admin/queues/api/queues').set(bearer(operator.accessToken)).expect(401);
  });

  it('API2:2023 the operator sign-in is limited like any login: the right password is refused once an account has failed too often', async () => {
    const target = await registerAndLogin(http, 'limited-operator');
    await makePlatformAdmin(server, target.id);
    for (let i = 0; i < FAILED_LOGINS_ALLOWED; i += 1) {
      await request(http)
        .post('/admin/login')
        .set('Accept', 'application/json')
        .send({ email: target.email, password: 'wrong password 123' })
        .expect(401);
    }
    const res = await request(http)
      .post('/admin/login')
      .set('Accept', 'application/json')
      .send({ email: target.email, password: PASSWORD })
      .expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('API8:2023 a cross-site forged board action (session cookie, no CSRF token) is refused with 403 CSRF_REJECTED and changes nothing', async () => {
    const signedIn = await operatorSignIn(http, operator.email);
    const jobId = await delayedJob('forged');
    const forged = await promote(jobId)
      .set('Cookie', signedIn.cookie)
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect(forged.body.error.code).toBe('CSRF_REJECTED');
    const noToken = await promote(jobId)
      .set('Cookie', signedIn.cookie)
      .set('Origin', `http://${host}`)
      .expect(403);
    expect(noToken.body.error.code).toBe('CSRF_REJECTED');
    const wrongToken = await promote(jobId)
      .set('Cookie', signedIn.cookie)
      .set('X-XSRF-TOKEN', `${signedIn.csrf}x`)
      .expect(403);
    expect(wrongToken.body.error.code).toBe('CSRF_REJECTED');
    expect(await (await syndication.getJob(jobId))?.getState()).toBe('delayed');
  });

  it('API8:2023 the right CSRF token from another origin is still refused', async () => {
    const signedIn = await operatorSignIn(http, operator.email);
    const jobId = await delayedJob('other-origin');
    const res = await promote(jobId)
      .set('Cookie', signedIn.cookie)
      .set('X-XSRF-TOKEN', signedIn.csrf)
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(res.body.error.code).toBe('CSRF_REJECTED');
    expect(await (await syndication.getJob(jobId))?.getState()).toBe('delayed');
  });

  it('API8:2023 a sign-in form posted from another site is refused (login CSRF)', async () => {
    const res = await request(http)
      .post('/admin/login')
      .set('Origin', 'https://evil.example')
      .send({ email: operator.email, password: PASSWORD })
      .expect(403);
    expect(res.body.error.code).toBe('CSRF_REJECTED');
  });

  it("API5:2023 a board action from the board's own origin works and is audited with the operator, the queue and the job", async () => {
    const signedIn = await operatorSignIn(http, operator.email);
    const jobId = await delayedJob('audited');
    await promote(jobId)
      .set('Cookie', signedIn.cookie)
      .set('X-XSRF-TOKEN', signedIn.csrf)
      .set('Origin', `http://${host}`)
      .expect(204);
    expect(await (await syndication.getJob(jobId))?.getState()).toBe('waiting');
    const entity = `${QueueName.Syndication}:${jobId}`;
    const rows = await eventually(() =>
      asOwner(server, async (db) => {
        const res = await db.query(
          `SELECT action, actor_user_id, entity_type, details->>'operation' AS operation, details->>'queue' AS queue
             FROM audit_log WHERE entity_id = $1`,
          [entity],
        );
        return res.rows.length > 0 && res.rows;
      }),
    );
    expect(rows).toEqual([
      {
        action: 'queue_board.action',
        actor_user_id: operator.id,
        entity_type: 'job',
        operation: 'promote',
        queue: QueueName.Syndication,
      },
    ]);
  });

  it.each([
    ['the account is disabled', 'UPDATE users SET disabled_at = now() WHERE id = $1'],
    ['the platform-admin flag is taken away', 'UPDATE users SET is_platform_admin = false WHERE id = $1'],
    ['the password is reset', "UPDATE users SET password_hash = 'reset' || password_hash WHERE id = $1"],
  ])('API2:2023 the operator session ends at once when %s', async (_change, sql) => {
    const someone = await registerAndLogin(http, 'ending-operator');
    await makePlatformAdmin(server, someone.id);
    const signedIn = await operatorSignIn(http, someone.email);
    await request(http).get('/admin/queues/api/queues').set('Cookie', signedIn.cookie).expect(200);
    await asOwner(server, (db) => db.query(sql, [someone.id]));
    const res = await request(http)
      .get('/admin/queues/api/queues')
      .set('Cookie', signedIn.cookie)
      .expect(401);
    expect(res.body.error.code).toBe('OPERATOR_SESSION_REQUIRED');
  });

  it('API2:2023 signing out ends the session on the server: the old cookie opens nothing afterwards', async () => {
    const signedIn = await operatorSignIn(http, operator.email);
    await request(http)
      .post('/admin/logout')
      .set('Cookie', signedIn.cookie)
      .set('X-XSRF-TOKEN', signedIn.csrf)
      .expect(303)
      .expect('Location', '/admin/login');
    const res = await request(http)
      .get('/admin/queues/api/queues')
      .set('Cookie', signedIn.cookie)
      .expect(401);
    expect(res.body.error.code).toBe('OPERATOR_SESSION_REQUIRED');
  });

  describe('GET /api/v1/platform/audit-logs (security events without an organisation)', () => {
    const platformAuditLogs = (token: string, query: Record<string, string> = {}) =>
      request(http).get('/api/v1/platform/audit-logs').query(query).set(bearer(token));

    it('API5:2023 is refused with 403 to anyone but a platform administrator, an organisation admin included', async () => {
      const orgAdmin = await registerAndLogin(http, 'org-admin');
      const org = await createOrganization(http, orgAdmin);
      const res = await platformAuditLogs(org.adminToken).expect(403);
      expect(res.body.error.code).toBeDefined();
      await request(http).get('/api/v1/platform/audit-logs').expect(401);
    });

    it("API1:2023 shows a platform administrator the failed logins and operator actions, filtered by action and actor, and no organisation's entries", async () => {
      const admin = (await login(http, operator.email)).accessToken;
      const victim = await registerAndLogin(http, 'victim');
      await request(http)
        .post('/api/v1/auth/login')
        .send({ email: victim.email, password: 'wrong password 123' })
        .expect(401);
      const org = await createOrganization(http, victim);
      await operatorSignIn(http, operator.email);

      const failed = await platformAuditLogs(admin, {
        action: 'auth.login_failed',
        actorId: victim.id,
      }).expect(200);
      expect(failed.body.total).toBe(1);
      expect(failed.body.items).toEqual([
        expect.objectContaining({ action: 'auth.login_failed', actorUserId: victim.id }),
      ]);

      const everything = await platformAuditLogs(admin, { limit: '100' }).expect(200);
      const actions = everything.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['auth.login_failed', 'operator.login']));
      // The organisation's own trail (its creation, the admin's membership) stays in the organisation.
      expect(actions).not.toContain('organization.created');
      expect(JSON.stringify(everything.body)).not.toContain(org.id);

      const future = await platformAuditLogs(admin, { from: '2999-01-01T00:00:00Z' }).expect(200);
      expect(future.body).toEqual(expect.objectContaining({ items: [], total: 0 }));
    });

    it('API8:2023 answers a malformed filter with 400 VALIDATION_FAILED, never a 500', async () => {
      const admin = (await login(http, operator.email)).accessToken;
      const malformed: Record<string, string>[] = [
        { action: "x' OR 1=1 --" },
        { actorId: 'not-a-uuid' },
        { from: 'yesterday' },
      ];
      for (const query of malformed) {
        const res = await platformAuditLogs(admin, query).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });
  });
});

describe('Operator sign-in in production (security)', () => {
  let server: BootedApiServer;

  beforeAll(async () => {
    server = await bootApiServer({
      NODE_ENV: 'production',
      // Production requires the unsubscribe links' key ring (any 32+ characters here; nothing is mailed).
      NOTIFICATION_UNSUBSCRIBE_SECRETS: 'u'.repeat(32),
      // Production refuses MAIL_TRANSPORT=log; nothing here sends mail.
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
  });
  afterAll(() => server?.close());

  it('API8:2023 marks the operator cookies Secure in production even when the request arrived over plain http', async () => {
    const http = server.app.getHttpServer();
    const operator = await registerAndLogin(http, 'prod-operator');
    await makePlatformAdmin(server, operator.id);
    const res = await request(http)
      .post('/admin/login')
      .type('form')
      .send({ email: operator.email, password: PASSWORD })
      .expect(303);
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(['XSRF-TOKEN', 'ppt_operator']);
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
  });
});
