import request from 'supertest';
import { bootApiServer, type BootedApiServer } from '../boot';
import { asOwner, bearer, PASSWORD, register, uniqueEmail } from '../identity';

/**
 * Who the client is: X-Forwarded-For counts only when a proxy listed in TRUSTED_PROXIES added it
 * (proxy-addr: the client is the right-most address that is not a trusted proxy). The tests reach
 * the server from loopback, so "trusted" here means loopback is listed.
 */
async function sessionIpAfterLogin(server: BootedApiServer, forwardedFor: string): Promise<string> {
  const http = server.app.getHttpServer();
  const email = uniqueEmail('proxy');
  await register(http, email);
  const login = await request(http)
    .post('/api/v1/auth/login')
    .set('X-Forwarded-For', forwardedFor)
    .send({ email, password: PASSWORD })
    .expect(200);
  const sessions = await request(http)
    .get('/api/v1/auth/sessions')
    .set(bearer(login.body.accessToken))
    .expect(200);
  return sessions.body.find((s: { current: boolean }) => s.current).ip as string;
}

describe('proxy trust: nobody trusted (the default)', () => {
  let server: BootedApiServer;
  beforeAll(async () => {
    server = await bootApiServer({ AUTH_MAX_ATTEMPTS_PER_IP: '3' });
  });
  afterAll(() => server.close());

  it('API2:2023 a spoofed X-Forwarded-For from an untrusted hop does not reset the login limit', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++)
      statuses.push(
        (
          await request(server.app.getHttpServer())
            .post('/api/v1/auth/login')
            .set('X-Forwarded-For', `198.51.100.${i}`)
            .send({ email: uniqueEmail('spoof'), password: 'not the password' })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('API2:2023 audit entries record the socket peer, not a claimed X-Forwarded-For', async () => {
    // Registration is a door of its own, so the sign-in budget spent above does not matter here.
    const email = uniqueEmail('audit-ip');
    await request(server.app.getHttpServer())
      .post('/api/v1/auth/register')
      .set('X-Forwarded-For', '198.51.100.77')
      .send({ email, password: PASSWORD, displayName: 'Audit' })
      .expect(202);
    const recorded = await asOwner(server, (db) =>
      db.query(
        `SELECT a.ip FROM audit_log a JOIN users u ON u.id = a.actor_user_id
          WHERE a.action = 'auth.register' AND lower(u.email) = lower($1)`,
        [email],
      ),
    );
    expect(recorded.rows).toEqual([{ ip: '127.0.0.1' }]);
  });
});

describe('proxy trust: loopback and 10.0.0.0/8 trusted (two hops)', () => {
  let server: BootedApiServer;
  beforeAll(async () => {
    server = await bootApiServer({
      TRUSTED_PROXIES: '127.0.0.1/32, ::1/128, 10.0.0.0/8',
      AUTH_MAX_ATTEMPTS_PER_IP: '3',
    });
  });
  afterAll(() => server.close());

  it('API2:2023 X-Forwarded-For from a trusted hop names the client, for the session and the limits', async () => {
    expect(await sessionIpAfterLogin(server, '203.0.113.10')).toBe('203.0.113.10');
    const attempt = (client: string) =>
      request(server.app.getHttpServer())
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', client)
        .send({ email: uniqueEmail('hop'), password: 'not the password' });
    for (let i = 0; i < 3; i++) await attempt('203.0.113.11').expect(401);
    await attempt('203.0.113.11').expect(429);
    await attempt('203.0.113.12').expect(401); // a different client behind the same proxy
  });

  it('API2:2023 two trusted hops: the client is the right-most untrusted address, whatever it prepends', async () => {
    // client (claims 192.0.2.1) → edge proxy 10.1.2.3 → internal proxy (loopback) → api-server
    expect(await sessionIpAfterLogin(server, '192.0.2.1, 198.51.100.9, 10.1.2.3')).toBe('198.51.100.9');
    // An untrusted hop in the middle ends the chain: what it says about earlier hops is ignored.
    expect(await sessionIpAfterLogin(server, '198.51.100.9, 203.0.113.50, 10.1.2.3')).toBe('203.0.113.50');
  });
});
