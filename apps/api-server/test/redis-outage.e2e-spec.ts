import { sessionRevokedChannel } from '@ppt/auth';
import { RedisConnections } from '@ppt/redis';
import { eventually, startPrivateRedis, type PrivateRedis } from '@ppt/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { asOwner, bearer, createOAuthClient, PASSWORD, registerAndLogin } from './identity';

/** With Redis down: sign-in fails closed with 503; signed-in users keep working (sessions from PostgreSQL). */
describe('api-server while Redis is down', () => {
  let redis: PrivateRedis;
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    server = await bootApiServer({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server.close();
    await redis.dispose();
  });

  it('answers login and password reset with 503 + Retry-After, and authenticated reads still work', async () => {
    const user = await registerAndLogin(http(), 'outage');
    await redis.stop();

    const login = await request(http())
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(503);
    expect(login.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) });
    expect(login.headers['retry-after']).toBe('5');
    await request(http()).post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(503);
    // Every other password door fails closed the same way: no unlimited attempts, no 500.
    const token = 'x'.repeat(43);
    for (const [path, body] of [
      ['/api/v1/auth/register', { email: 'new@example.com', password: PASSWORD, displayName: 'New' }],
      ['/api/v1/auth/password/reset', { token, newPassword: PASSWORD }],
      ['/api/v1/me/invitations/accept', { token }],
      ['/api/v1/person-invitations/accept', { token }],
      ['/api/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'any', client_secret: 'any' }],
    ] as const) {
      // The invitation doors are for signed-in people (the others take no bearer token).
      const signedIn = path.includes('invitations/accept');
      const refused = await request(http())
        .post(path)
        .set(signedIn ? bearer(user.accessToken) : {})
        .send(body);
      expect({ path, status: refused.status, retryAfter: refused.headers['retry-after'] }).toEqual({
        path,
        status: 503,
        retryAfter: '5',
      });
    }

    const me = await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.id).toBe(user.id);
    await request(http())
      .post('/api/v1/organizations')
      .set(bearer(user.accessToken))
      .send({ name: 'Made during outage' })
      .expect(201);

    await redis.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (
        await request(http()).post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD })
      ).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });

  it('a revocation made while Redis is down (so published nowhere) still ends the session', async () => {
    // This process listens for revocations again after the first test's outage.
    const probe = new Redis(redis.url);
    const channel = sessionRevokedChannel(server.app.get(RedisConnections));
    for (let i = 0; i < 100 && (await probe.pubsub('NUMSUB', channel))[1] === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await probe.pubsub('NUMSUB', channel))[1]).toBe(1);
    probe.disconnect();
    const user = await registerAndLogin(http(), 'outage-revoke');
    // Seen active once: this process now remembers the session.
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    await redis.stop();
    try {
      // Another process ends the session in PostgreSQL and cannot tell anyone.
      const sid = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString())
        .sid as string;
      await asOwner(server, (db) => db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [sid]));

      // The lost subscription made this process drop what it remembered: PostgreSQL decides.
      let status = 200;
      for (let i = 0; i < 20 && status === 200; i++) {
        status = (await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken))).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
    } finally {
      await redis.start();
    }
  });

  it('a logout or password change that Redis cannot record answers 503 and changes nothing, until it can', async () => {
    const user = await registerAndLogin(http(), 'outage-logout');
    await redis.stop();
    try {
      const logout = await request(http())
        .post('/api/v1/auth/logout')
        .set(bearer(user.accessToken))
        .expect(503);
      expect(logout.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(logout.headers['retry-after']).toBe('5');
      await request(http())
        .post('/api/v1/auth/password/change')
        .set(bearer(user.accessToken))
        .send({ currentPassword: PASSWORD, newPassword: 'never stored while Redis is away' })
        .expect(503);
      // Nothing was reported done, and nothing was done: the session is as it was (PostgreSQL says so).
      await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    } finally {
      await redis.start();
    }
    // Once Redis is back, the same logout goes through.
    await eventually(
      async () =>
        (await request(http()).post('/api/v1/auth/logout').set(bearer(user.accessToken))).status === 204,
    );
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
  });

  it('introspection answers 503, not "inactive", when the session state cannot be read at all', async () => {
    const user = await registerAndLogin(http(), 'outage-introspect');
    const client = await createOAuthClient(server, ['sso:introspect']);
    const service = (
      await request(http())
        .post('/api/v1/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
        .expect(200)
    ).body.access_token as string;
    const introspect = () =>
      request(http()).post('/api/v1/auth/introspect').set(bearer(service)).send({ token: user.accessToken });
    await redis.stop();
    try {
      expect((await introspect().expect(200)).body.active).toBe(true); // from PostgreSQL
      await asOwner(server, (db) => db.query('ALTER TABLE sessions RENAME TO sessions_away'));
      try {
        // Neither Redis nor PostgreSQL can say (once this process stopped trusting its memory).
        const unavailable = await eventually(async () => {
          const res = await introspect();
          return res.status !== 200 && res;
        });
        expect(unavailable.status).toBe(503);
        expect(unavailable.body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(unavailable.headers['retry-after']).toBe('5');
      } finally {
        await asOwner(server, (db) => db.query('ALTER TABLE sessions_away RENAME TO sessions'));
      }
      expect((await introspect().expect(200)).body.active).toBe(true);
    } finally {
      await redis.start();
    }
  });
});
