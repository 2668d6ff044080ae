import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from '../boot';
import { asOwner, createOAuthClient, PASSWORD, register, registerAndLogin, uniqueEmail } from '../identity';

/**
 * The password doors as an attacker meets them. Loopback is a trusted proxy here, so every case acts
 * as its own client address (X-Forwarded-For) and spends no other case's budget.
 */
describe('password doors', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let nextClient = 0;
  /** A fresh client address for one case. */
  const newClient = () => `198.51.100.${++nextClient}`;
  const guessedToken = () => randomBytes(32).toString('base64url');

  beforeAll(async () => {
    server = await bootApiServer({
      TRUSTED_PROXIES: '127.0.0.1/32,::1/128',
      AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT: '3',
      AUTH_MAX_FAILED_ATTEMPTS_PER_IP: '4',
      AUTH_MAX_ATTEMPTS_PER_IP: '10',
      AUTH_LOCKOUT_FIRST_S: '1',
    });
  });
  afterAll(() => server.close());

  const post = (path: string, client: string, body: object) =>
    request(http()).post(`/api/v1${path}`).set('X-Forwarded-For', client).send(body);

  function expectRateLimited(res: request.Response, policy: string, quota: number, retryAfterS: number) {
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', requestId: expect.any(String) });
    expect(res.headers['retry-after']).toBe(String(retryAfterS));
    expect(res.headers['ratelimit-policy']).toBe(`"${policy}";q=${quota};w=900`);
    expect(res.headers['ratelimit']).toBe(`"${policy}";r=0;t=${retryAfterS}`);
  }

  it("API4:2023 the public client's token revocations count against the address's budget (each costs a lookup and a signature check)", async () => {
    const client = newClient();
    const revoke = () => post('/oauth/revoke', client, { token: guessedToken(), client_id: 'ppt-app' });
    for (let i = 0; i < 10; i++) await revoke().expect(200);
    const limited = await revoke();
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.headers['ratelimit-policy']).toBe('"token-revocation-ip";q=10;w=900');
  });

  it('API2:2023 sign-in failures lock the (account, IP) pair, each lock-out twice the last; the right password waits too', async () => {
    const email = uniqueEmail('victim');
    await register(http(), email);
    const attacker = newClient();
    const guess = () => post('/auth/login', attacker, { email, password: 'guess guess guess' });
    for (let i = 0; i < 3; i++) await guess().expect(401);
    expectRateLimited(
      await post('/auth/login', attacker, { email, password: PASSWORD }),
      'sign-in-account-failures',
      3,
      1,
    );
    await new Promise((r) => setTimeout(r, 1100));
    await guess().expect(401); // one more failure after the lock: the next lock is twice as long
    expectRateLimited(await guess(), 'sign-in-account-failures', 3, 2);
    // The owner elsewhere is not locked out by the attacker.
    await post('/auth/login', newClient(), { email, password: PASSWORD }).expect(200);
  });

  it('API2:2023 credential stuffing over many accounts from one address locks the address', async () => {
    const stuffer = newClient();
    for (let i = 0; i < 4; i++)
      await post('/auth/login', stuffer, {
        email: uniqueEmail('stuffed'),
        password: 'leaked password 1',
      }).expect(401);
    expectRateLimited(
      await post('/auth/login', stuffer, { email: uniqueEmail('stuffed'), password: 'leaked password 1' }),
      'sign-in-ip-failures',
      4,
      1,
    );
  });

  it('API2:2023 a stolen access token cannot guess the current password on password change', async () => {
    const user = await registerAndLogin(http(), 'stolen');
    const thief = newClient();
    const change = (current: string) =>
      request(http())
        .post('/api/v1/auth/password/change')
        .set('X-Forwarded-For', thief)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .send({ currentPassword: current, newPassword: 'thief passphrase 123' });
    for (let i = 0; i < 3; i++) await change(`guess number ${i}`).expect(401);
    expectRateLimited(await change(PASSWORD), 'password-change-account-failures', 3, 1);
  });

  it('API4:2023 registration is limited per client address (every attempt hashes a password)', async () => {
    const bot = newClient();
    const attempt = () =>
      post('/auth/register', bot, {
        email: uniqueEmail('bot'),
        password: 'bot passphrase 123',
        displayName: 'Bot',
      });
    for (let i = 0; i < 10; i++) await attempt().expect(202);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers['ratelimit-policy']).toBe('"register-ip";q=10;w=900');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('API2:2023 registration does not tell a taken address from a new one', async () => {
    const taken = await registerAndLogin(http(), 'taken');
    const client = newClient();
    const forTaken = await post('/auth/register', client, {
      email: taken.email,
      password: 'another passphrase',
      displayName: 'X',
    });
    const forNew = await post('/auth/register', client, {
      email: uniqueEmail('new'),
      password: 'another passphrase',
      displayName: 'X',
    });
    expect({ status: forTaken.status, body: forTaken.body }).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
    expect({ status: forNew.status, body: forNew.body }).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
  });

  it('API2:2023 racing registrations of one address both answer accepted and make one account', async () => {
    const email = uniqueEmail('race');
    const client = newClient();
    const answers = await Promise.all(
      [1, 2, 3].map((i) =>
        post('/auth/register', client, { email, password: `racing passphrase ${i}`, displayName: 'Race' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const users = await asOwner(server, (db) =>
      db.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [email]),
    );
    expect(users.rows[0].n).toBe(1);
  });

  it('API4:2023 forgot-password requests are limited per client address, whichever accounts they name', async () => {
    const client = newClient();
    for (let i = 0; i < 10; i++)
      await post('/auth/password/forgot', client, { email: uniqueEmail('someone') }).expect(202);
    const limited = await post('/auth/password/forgot', client, { email: uniqueEmail('someone') });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit-policy']).toBe('"password-forgot-ip";q=10;w=900');
  });

  it('API2:2023 guessed password-reset tokens are refused and, past a few, the address is locked out', async () => {
    const client = newClient();
    for (let i = 0; i < 4; i++) {
      const res = await post('/auth/password/reset', client, {
        token: guessedToken(),
        newPassword: 'attacker passphrase 1',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    }
    expectRateLimited(
      await post('/auth/password/reset', client, {
        token: guessedToken(),
        newPassword: 'attacker passphrase 1',
      }),
      'password-reset-ip-failures',
      4,
      1,
    );
  });

  it('API2:2023 guessed organisation-invitation tokens lock the signed-in account at that address', async () => {
    const user = await registerAndLogin(http(), 'org-guesser');
    const client = newClient();
    const accept = () =>
      request(http())
        .post('/api/v1/me/invitations/accept')
        .set('X-Forwarded-For', client)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .send({ token: guessedToken() });
    for (let i = 0; i < 3; i++) await accept().expect(404);
    expectRateLimited(await accept(), 'invitation-account-failures', 3, 1);
  });

  it('API2:2023 guessed person-invitation tokens lock the signed-in account at that address', async () => {
    const user = await registerAndLogin(http(), 'guesser');
    const client = newClient();
    const accept = () =>
      request(http())
        .post('/api/v1/person-invitations/accept')
        .set('X-Forwarded-For', client)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .send({ token: guessedToken() });
    for (let i = 0; i < 3; i++) await accept().expect(404);
    expectRateLimited(await accept(), 'invitation-account-failures', 3, 1);
  });

  it('API2:2023 a guessed client secret locks (client id, IP) on /oauth/token; the client elsewhere still works', async () => {
    const client = await createOAuthClient(server, ['listings:read']);
    const attacker = newClient();
    const token = (from: string, secret: string) =>
      post('/oauth/token', from, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: secret,
      });
    for (let i = 0; i < 3; i++) await token(attacker, 'guessed secret').expect(401);
    expectRateLimited(await token(attacker, client.secret), 'oauth-token-account-failures', 3, 1);
    await token(newClient(), client.secret).expect(200);
  });

  it('API4:2023 unknown OAuth client ids count against the address like wrong secrets', async () => {
    const scanner = newClient();
    const probe = () =>
      post('/oauth/token', scanner, {
        grant_type: 'client_credentials',
        client_id: `ghost-${randomBytes(4).toString('hex')}`,
        client_secret: 'whatever',
      });
    for (let i = 0; i < 4; i++) await probe().expect(401);
    expectRateLimited(await probe(), 'oauth-token-ip-failures', 4, 1);
  });
});
