import { RedisConnections } from '@ppt/redis';
import { closedPort, spawnEntryPoint, TEST_REDIS_URL, testSigningKey, waitForStatus } from '@ppt/testing';
import { createApiServerApp } from '../src/api-server.app';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import {
  asOwner,
  bearer,
  createOrganization,
  login,
  makePlatformAdmin,
  PASSWORD,
  register,
  registerAndLogin,
  uniqueEmail,
} from './identity';

describe('sessions and refresh tokens', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    server = await bootApiServer({ AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT: '3' });
  });
  afterAll(() => server.close());

  it('rotates the refresh token on every use', async () => {
    const user = await registerAndLogin(http(), 'rotate');
    const first = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: user.refreshToken })
      .expect(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    await request(http()).get('/api/v1/auth/me').set(bearer(first.body.accessToken)).expect(200);
    const second = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
  });

  it('treats a rotated refresh token presented again as theft: 401, and the whole family stops working', async () => {
    const user = await registerAndLogin(http(), 'reuse');
    const rotated = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: user.refreshToken })
      .expect(200);

    const replay = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: user.refreshToken })
      .expect(401);
    expect(replay.body.error.code).toBe('INVALID_REFRESH_TOKEN');

    await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: rotated.body.refreshToken })
      .expect(401);
    await request(http()).get('/api/v1/auth/me').set(bearer(rotated.body.accessToken)).expect(401);
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
    const audit = await asOwner(server, (db) =>
      db.query(`SELECT action FROM audit_log WHERE actor_user_id = $1 AND action = 'auth.refresh_reuse'`, [
        user.id,
      ]),
    );
    expect(audit.rowCount).toBe(1);
  });

  it('rejects unknown refresh tokens', async () => {
    const res = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: 'x'.repeat(43) })
      .expect(401);
    expect(res.body.error.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('logout makes the same access token fail at once, and its refresh token too', async () => {
    const user = await registerAndLogin(http(), 'logout');
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    await request(http()).post('/api/v1/auth/logout').set(bearer(user.accessToken)).expect(204);
    const after = await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
    expect(after.body.error.message).toMatch(/session has ended/);
    await request(http()).post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
  });

  it("lists the user's own sessions and ends one of them", async () => {
    const email = uniqueEmail('multi');
    await register(http(), email);
    const laptop = await login(http(), email);
    const phone = await login(http(), email);
    const list = await request(http())
      .get('/api/v1/auth/sessions')
      .set(bearer(laptop.accessToken))
      .expect(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const phoneSession = list.body.find((s: { current: boolean }) => !s.current);

    const stranger = await registerAndLogin(http(), 'stranger');
    await request(http())
      .delete(`/api/v1/auth/sessions/${phoneSession.id}`)
      .set(bearer(stranger.accessToken))
      .expect(404);
    await request(http()).get('/api/v1/auth/me').set(bearer(phone.accessToken)).expect(200);

    await request(http())
      .delete(`/api/v1/auth/sessions/${phoneSession.id}`)
      .set(bearer(laptop.accessToken))
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(phone.accessToken)).expect(401);
    await request(http()).get('/api/v1/auth/me').set(bearer(laptop.accessToken)).expect(200);
  });

  it('keeps sessions across a server restart (PostgreSQL is the durable store)', async () => {
    const user = await registerAndLogin(http(), 'restart');
    await server.app.close();
    server.app = await createApiServerApp(server.env);
    await server.app.init();
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    await request(http()).post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
  });

  it('falls back to PostgreSQL when the Redis mirror of a session is gone', async () => {
    const user = await registerAndLogin(http(), 'no-cache');
    const sid = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const redis = () => server.app.get(RedisConnections).get('main');
    expect(await redis().get(`sess:${sid}`)).toMatch(/^1:\d+:0$/); // active, until when, generation
    await redis().del(`sess:${sid}`);
    // A fresh process: nothing in its memory either.
    await server.app.close();
    server.app = await createApiServerApp(server.env);
    await server.app.init();
    const sessionsClient = server.app.get(RedisConnections).get('sessions');
    for (let i = 0; i < 100 && sessionsClient.status !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    expect(await redis().get(`sess:${sid}`)).toMatch(/^1:\d+:0$/);
  });

  it('a logout on another api-server process ends the session here within a second', async () => {
    const port = await closedPort();
    const replica = spawnEntryPoint('apps/api-server/src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: server.db.appUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: server.env.REDIS_KEY_PREFIX,
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      AUTH_ISSUER: 'http://api.test',
      API_PORT: String(port),
    });
    const replicaUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForStatus(`${replicaUrl}/health/ready`, (s) => s === 200, 60_000);
      const user = await registerAndLogin(http(), 'replicas');
      // This process has seen the session active (and keeps that in memory).
      await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);

      await request(replicaUrl).post('/api/v1/auth/logout').set(bearer(user.accessToken)).expect(204);
      const loggedOut = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - loggedOut < 1000) {
        status = (await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken))).status;
      }
      expect(status).toBe(401);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nreplica output:\n${replica.output()}`);
    } finally {
      replica.child.kill('SIGTERM');
      await replica.exited;
    }
  }, 90_000);

  it('switches the organisation a session acts in, only to organisations the user belongs to', async () => {
    const user = await registerAndLogin(http(), 'switch');
    const a = await createOrganization(http(), user, 'Switch A');
    const b = await createOrganization(http(), user, 'Switch B');
    const toA = await request(http())
      .post('/api/v1/auth/switch-organization')
      .set(bearer(b.adminToken))
      .send({ organizationId: a.id })
      .expect(200);
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(toA.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ organizationId: a.id, role: 'org_admin' });
    expect(me.body.memberships.map((m: { organizationName: string }) => m.organizationName).sort()).toEqual([
      'Switch A',
      'Switch B',
    ]);

    const other = await registerAndLogin(http(), 'switch-other');
    const foreign = await createOrganization(http(), other, 'Foreign');
    const denied = await request(http())
      .post('/api/v1/auth/switch-organization')
      .set(bearer(toA.body.accessToken))
      .send({ organizationId: foreign.id })
      .expect(403);
    expect(denied.body.error.code).toBe('NOT_A_MEMBER');

    // A refresh keeps the organisation the session switched to.
    const refreshed = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: user.refreshToken })
      .expect(200);
    const claims = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ org: a.id, role: 'org_admin' });
  });

  it("changing the password ends all of the user's sessions", async () => {
    const email = uniqueEmail('change');
    await register(http(), email);
    const one = await login(http(), email);
    const two = await login(http(), email);
    await request(http())
      .post('/api/v1/auth/password/change')
      .set(bearer(one.accessToken))
      .send({ currentPassword: 'wrong password here', newPassword: 'a brand new passphrase' })
      .expect(401);
    await request(http())
      .post('/api/v1/auth/password/change')
      .set(bearer(one.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(one.accessToken)).expect(401);
    await request(http()).get('/api/v1/auth/me').set(bearer(two.accessToken)).expect(401);
    await request(http()).post('/api/v1/auth/login').send({ email, password: PASSWORD }).expect(401);
    await login(http(), email, 'a brand new passphrase');
  });

  it('disabling an account (platform admin) ends its sessions and blocks login', async () => {
    const admin = await registerAndLogin(http(), 'padmin');
    await makePlatformAdmin(server, admin.id);
    const adminToken = (await login(http(), admin.email)).accessToken;
    const victim = await registerAndLogin(http(), 'disabled');
    await request(http())
      .post(`/api/v1/platform/users/${victim.id}/disable`)
      .set(bearer(adminToken))
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(victim.accessToken)).expect(401);
    await request(http())
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: PASSWORD })
      .expect(401);
  });

  it('answers a wrong e-mail and a wrong password the same way', async () => {
    const user = await registerAndLogin(http(), 'same');
    const wrongPassword = await request(http())
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'not the password' })
      .expect(401);
    const wrongEmail = await request(http())
      .post('/api/v1/auth/login')
      .send({ email: uniqueEmail('nobody'), password: 'not the password' })
      .expect(401);
    const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: undefined });
    expect(strip(wrongPassword.body)).toEqual(strip(wrongEmail.body));
    expect(wrongEmail.body.error).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid e-mail or password',
    });
  });

  it('locks an account after repeated failures: 429 with Retry-After, even with the right password', async () => {
    const user = await registerAndLogin(http(), 'locked');
    for (let i = 0; i < 3; i++) {
      await request(http())
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'wrong password!' })
        .expect(401);
    }
    const limited = await request(http())
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    const failures = await asOwner(server, (db) =>
      db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE actor_user_id = $1 AND action = 'auth.login_failed'`,
        [user.id],
      ),
    );
    expect(failures.rows[0].n).toBe(3);
  });
});

describe('login rate limit per IP', () => {
  it('answers 429 with Retry-After once an address has made too many attempts', async () => {
    const server = await bootApiServer({ AUTH_MAX_ATTEMPTS_PER_IP: '4' });
    try {
      const http = server.app.getHttpServer();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (
            await request(http)
              .post('/api/v1/auth/login')
              .send({ email: uniqueEmail('ip'), password: 'whatever it is' })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await server.close();
    }
  });
});
