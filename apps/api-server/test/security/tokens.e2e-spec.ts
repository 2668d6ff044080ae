import { randomBytes, createHash } from 'node:crypto';
import request from 'supertest';
import { RedisConnections } from '@ppt/redis';
import {
  closedPort,
  eventually,
  spawnEntryPoint,
  TEST_REDIS_URL,
  testSigningKey,
  waitForStatus,
} from '@ppt/testing';
import { bootApiServer, type BootedApiServer } from '../boot';
import {
  addMember,
  asOwner,
  bearer,
  createOAuthClient,
  createOrganization,
  login,
  makePlatformAdmin,
  PASSWORD,
  registerAndLogin,
} from '../identity';

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** Black-box cases for tokens and OAuth (issue #15 items 5 and 8). */
describe('security: tokens and OAuth', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    server = await bootApiServer();
  });
  afterAll(() => server.close());

  const serviceToken = async (client: { clientId: string; secret: string }) =>
    (
      await request(http())
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
        .expect(200)
    ).body.access_token as string;

  it('API2:2023 the token a session held before switching organisation stops working at once', async () => {
    const user = await registerAndLogin(http(), 'switcher');
    const before = user.accessToken;
    const org = await createOrganization(http(), user); // switches the session into it
    await request(http()).get('/api/v1/auth/me').set(bearer(before)).expect(401);
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(org.adminToken)).expect(200);
    expect(me.body).toMatchObject({ organizationId: org.id, role: 'org_admin' });
    // Switching again ends the token acting in `org`; the session and its refresh token live on.
    const other = await request(http())
      .post('/api/v1/organizations')
      .set(bearer(org.adminToken))
      .send({ name: 'Second' })
      .expect(201);
    await request(http())
      .post('/api/v1/auth/switch-organization')
      .set(bearer(org.adminToken))
      .send({ organizationId: other.body.id })
      .expect(200);
    await request(http()).get('/api/v1/buildings').set(bearer(org.adminToken)).expect(401);
    const refreshed = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: user.refreshToken })
      .expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ org: other.body.id, gen: 2 });
  });

  it('API5:2023 a member whose role was lowered cannot go on using the token of the higher role', async () => {
    const admin = await registerAndLogin(http(), 'role-admin');
    const org = await createOrganization(http(), admin);
    const manager = await registerAndLogin(http(), 'role-manager');
    const membership = await addMember(http(), org.adminToken, org.id, manager.email, 'manager');
    const managerSession = await login(http(), manager.email, PASSWORD, org.id);
    const managerToken = managerSession.accessToken;
    await request(http()).get('/api/v1/buildings').set(bearer(managerToken)).expect(200);

    await request(http())
      .patch(`/api/v1/organizations/${org.id}/members/${membership.id}`)
      .set(bearer(org.adminToken))
      .send({ role: 'tenant' })
      .expect(200);
    const stale = await request(http()).get('/api/v1/buildings').set(bearer(managerToken)).expect(401);
    expect(stale.body.error.code).toBe('UNAUTHORIZED');

    // The refreshed token claims the new role, and the guard judges the permissions of that role.
    const refreshed = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: managerSession.refreshToken })
      .expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ org: org.id, role: 'tenant' });
    const denied = await request(http())
      .get('/api/v1/buildings')
      .set(bearer(refreshed.body.accessToken))
      .expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    await request(http()).get('/api/v1/units').set(bearer(refreshed.body.accessToken)).expect(200);
  });

  it('API2:2023 a refresh racing a logout cannot bring the session back', async () => {
    const pairs = 25;
    const users = await Promise.all(Array.from({ length: pairs }, () => registerAndLogin(http(), 'race')));
    const outcomes = await Promise.all(
      users.map(async (user) => {
        const [refreshed] = await Promise.all([
          request(http()).post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
          request(http()).post('/api/v1/auth/logout').set(bearer(user.accessToken)),
        ]);
        return { user, refreshed };
      }),
    );
    for (const { user, refreshed } of outcomes) {
      const tokens = [user.accessToken];
      if (refreshed.status === 200) {
        tokens.push(refreshed.body.accessToken);
        await request(http())
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: refreshed.body.refreshToken })
          .expect(401);
      }
      for (const token of tokens) await request(http()).get('/api/v1/auth/me').set(bearer(token)).expect(401);
    }
    // Every other process, which has only Redis (or PostgreSQL) to go by, sees each session ended too.
    const redis = server.app.get(RedisConnections).get('main');
    for (const { user } of outcomes)
      expect(await redis.get(`sess:${claimsOf(user.accessToken).sid}`)).toBe('0');
  }, 120_000);

  it('API2:2023 a password-reset link mailed before a password change no longer works', async () => {
    const user = await registerAndLogin(http(), 'reset-link');
    const token = randomBytes(32).toString('base64url');
    await asOwner(server, (db) =>
      db.query(
        `INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, 'reset_password', $2, now() + interval '30 minutes')`,
        [user.id, createHash('sha256').update(token).digest('hex')],
      ),
    );
    await request(http())
      .post('/api/v1/auth/password/change')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a different long passphrase' })
      .expect(204);
    const res = await request(http())
      .post('/api/v1/auth/password/reset')
      .send({ token, newPassword: 'the attacker chose this one' })
      .expect(400);
    expect(res.body.error.code).toBe('INVALID_TOKEN');
    await login(http(), user.email, 'a different long passphrase');
  });

  it("API2:2023 a disabled service client's tokens are refused at once, on every process", async () => {
    const client = await createOAuthClient(server, ['sso:introspect']);
    const token = await serviceToken(client);
    const user = await registerAndLogin(http(), 'disable-client');
    // Another api-server process (its own memory of disabled clients), as behind a load balancer.
    const port = await closedPort();
    const replica = spawnEntryPoint('apps/api-server/src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: server.db.appUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: server.env.REDIS_KEY_PREFIX,
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      AUTH_ISSUER: server.env.AUTH_ISSUER,
      API_PORT: String(port),
    });
    const replicaUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForStatus(`${replicaUrl}/health/ready`, (s) => s === 200, 60_000);
      const introspect = (app: Parameters<typeof request>[0]) =>
        request(app).post('/api/v1/auth/introspect').set(bearer(token)).send({ token: user.accessToken });
      await introspect(http()).expect(200);
      // The replica has loaded the disabled clients once subscribed; wait for that like for its readiness.
      await eventually(async () => (await introspect(replicaUrl)).status === 200);

      const admin = await registerAndLogin(http(), 'platform-admin');
      await makePlatformAdmin(server, admin.id);
      const adminToken = (await login(http(), admin.email)).accessToken;
      await request(http())
        .post(`/api/v1/platform/oauth-clients/${client.clientId}/disable`)
        .set(bearer(adminToken))
        .expect(204);

      await introspect(http()).expect(401);
      let status = 200;
      const since = Date.now();
      while (status !== 401 && Date.now() - since < 1000) status = (await introspect(replicaUrl)).status;
      expect(status).toBe(401);
      const refused = await request(http())
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
        .expect(401);
      expect(refused.body.error).toBe('invalid_client');
    } catch (err) {
      throw new Error(`${(err as Error).message}\nreplica output:\n${replica.output()}`);
    } finally {
      replica.child.kill('SIGTERM');
      await replica.exited;
    }
  }, 90_000);

  it('API5:2023 only a platform administrator may disable a service client', async () => {
    const client = await createOAuthClient(server, ['sso:introspect']);
    const user = await registerAndLogin(http(), 'not-admin');
    const org = await createOrganization(http(), user);
    for (const token of [user.accessToken, org.adminToken, await serviceToken(client)])
      await request(http())
        .post(`/api/v1/platform/oauth-clients/${client.clientId}/disable`)
        .set(bearer(token))
        .expect(403);
    await serviceToken(client); // still enabled
  });

  it('API2:2023 revoking a refresh token (RFC 7009) ends its session: the access token dies too', async () => {
    const user = await registerAndLogin(http(), 'revoke-refresh');
    await request(http())
      .post('/api/v1/oauth/revoke')
      .type('form')
      .send({ token: user.refreshToken, token_type_hint: 'refresh_token', client_id: 'ppt-app' })
      .expect(200);
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
    await request(http()).post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);

    const second = await registerAndLogin(http(), 'revoke-access');
    await request(http())
      .post('/api/v1/oauth/revoke')
      .send({ token: second.accessToken, token_type_hint: 'access_token', client_id: 'ppt-app' })
      .expect(200);
    await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: second.refreshToken })
      .expect(401);
    // Unknown tokens get the same answer (RFC 7009 §2.2): nothing to learn from it.
    await request(http())
      .post('/api/v1/oauth/revoke')
      .send({ token: 'no-such-token', client_id: 'ppt-app' })
      .expect(200);
  });

  it("API5:2023 a service client cannot end a user's session through the revocation endpoint", async () => {
    const client = await createOAuthClient(server, ['listings:read']);
    const user = await registerAndLogin(http(), 'revoke-foreign');
    await request(http())
      .post('/api/v1/oauth/revoke')
      .auth(client.clientId, client.secret)
      .type('form')
      .send({ token: user.refreshToken })
      .expect(200);
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    const wrong = await request(http())
      .post('/api/v1/oauth/revoke')
      .auth(client.clientId, 'wrong secret')
      .type('form')
      .send({ token: user.refreshToken })
      .expect(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('API2:2023 token endpoint refusals have the RFC 6749 §5.2 shape, with a Basic challenge after Basic auth', async () => {
    const client = await createOAuthClient(server, ['sso:introspect']);
    const basic = await request(http())
      .post('/api/v1/oauth/token')
      .auth(client.clientId, 'wrong secret')
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(basic.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(basic.headers['www-authenticate']).toMatch(/^Basic realm="ppt"/);
    expect(basic.headers['cache-control']).toBe('no-store');

    const cases: [Record<string, unknown>, string][] = [
      [{}, 'invalid_request'],
      [{ grant_type: ['client_credentials', 'password'] }, 'invalid_request'],
      [{ grant_type: 'authorization_code', code: 'x' }, 'unsupported_grant_type'],
      [
        {
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.secret,
          scope: 'a  b',
        },
        'invalid_scope',
      ],
    ];
    for (const [body, error] of cases) {
      const res = await request(http()).post('/api/v1/oauth/token').send(body).expect(400);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
    }
    // Basic auth and body credentials at once: RFC 6749 §2.3 allows one method only.
    const both = await request(http())
      .post('/api/v1/oauth/token')
      .auth(client.clientId, client.secret)
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
      .expect(400);
    expect(both.body.error).toBe('invalid_request');
  });

  it('API8:2023 every response carrying a token says Cache-Control: no-store and Pragma: no-cache', async () => {
    const user = await registerAndLogin(http(), 'no-store');
    const client = await createOAuthClient(server, ['sso:introspect']);
    const loggedIn = await request(http())
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    const refreshed = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: loggedIn.body.refreshToken })
      .expect(200);
    const org = await request(http())
      .post('/api/v1/organizations')
      .set(bearer(refreshed.body.accessToken))
      .send({ name: 'No store' })
      .expect(201);
    const switched = await request(http())
      .post('/api/v1/auth/switch-organization')
      .set(bearer(refreshed.body.accessToken))
      .send({ organizationId: org.body.id })
      .expect(200);
    const issued = await request(http())
      .post('/api/v1/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
      .expect(200);
    const introspected = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(issued.body.access_token))
      .send({ token: switched.body.accessToken, token_type_hint: 'access_token' })
      .expect(200);
    expect(introspected.body).toMatchObject({ active: true, org: org.body.id });
    for (const res of [loggedIn, refreshed, switched, issued, introspected]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });

  it('API2:2023 a service token is not a user token, and a user token is not a service token', async () => {
    const client = await createOAuthClient(server, ['sso:introspect']);
    const service = await serviceToken(client);
    expect(claimsOf(service)).toMatchObject({ aud: 'ppt', client_id: client.clientId, typ: 'service' });
    await request(http()).get('/api/v1/auth/me').set(bearer(service)).expect(403);
    const user = await registerAndLogin(http(), 'not-a-service');
    expect(claimsOf(user.accessToken).aud).toEqual(['ppt', 'ppt-portal']);
    await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(user.accessToken))
      .send({ token: service })
      .expect(403);
  });

  it('API8:2023 the RFC 8414 metadata names this issuer and endpoints that answer', async () => {
    const res = await request(http()).get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body).toMatchObject({
      issuer: server.env.AUTH_ISSUER,
      token_endpoint: `${server.env.AUTH_ISSUER}/api/v1/oauth/token`,
      jwks_uri: `${server.env.AUTH_ISSUER}/.well-known/jwks.json`,
      revocation_endpoint: `${server.env.AUTH_ISSUER}/api/v1/oauth/revoke`,
      introspection_endpoint: `${server.env.AUTH_ISSUER}/api/v1/auth/introspect`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    for (const key of ['token_endpoint', 'revocation_endpoint'] as const) {
      const path = new URL(res.body[key]).pathname;
      const answer = await request(http()).post(path).send({});
      expect(answer.status).toBe(400); // there, and refusing an empty request the OAuth way
      expect(answer.body.error).toBe('invalid_request');
    }
    await request(http()).get(new URL(res.body.jwks_uri).pathname).expect(200);
  });
});
