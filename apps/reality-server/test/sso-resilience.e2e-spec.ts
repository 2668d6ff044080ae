import { SigningKeys } from '@ppt/auth';
import {
  closedPort,
  eventually,
  spawnEntryPoint,
  startPrivateRedis,
  testSigningKey,
  type PrivateRedis,
} from '@ppt/testing';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { answerSigner, ApiServerPeer, signAccessToken, type PortalUser } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

const INTROSPECT = '/api/v1/auth/introspect';

/**
 * The portal's Redis is its own here, so it never hears api-server's revocations: a logout stands
 * for one published while the portal was not listening.
 */
describe('SSO with Redis down', () => {
  let peer: ApiServerPeer;
  let redis: PrivateRedis;
  let raw: Redis;
  let portal: BootedRealityServer;
  let early: PortalUser;
  let doomed: PortalUser;
  let missed: PortalUser;
  let redisStopped = false;
  const me = (token: string) =>
    request(portal.app.getHttpServer()).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
  const cachedAnswer = async (token: string) => {
    const hash = createHash('sha256').update(token).digest('base64url');
    const value = await raw.get(`${peer.redisPrefix}sso:tok:${hash}`);
    const opened = value ? answerSigner.open(value) : undefined;
    return opened && 'body' in opened ? (JSON.parse(opened.body).answer as { active: boolean }) : undefined;
  };

  beforeAll(async () => {
    peer = await ApiServerPeer.start();
    // Persistent, like a production Redis: what the portal cached survives the outage.
    redis = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    raw = new Redis(redis.url, { lazyConnect: true });
    portal = await bootRealityServer({ ...peer.portalEnv(), REDIS_URL: redis.url });
    [early, doomed, missed] = await Promise.all(
      ['early', 'doomed', 'missed'].map((label) => peer.registerAndLogin(label)),
    );
    for (const user of [early, doomed, missed]) {
      await me(user.accessToken).expect(200);
      // The Redis copy is written without holding up the request.
      await eventually(async () => (await cachedAnswer(user.accessToken))?.active === true);
    }
    await redis.stop();
    redisStopped = true;
  }, 120_000);
  afterAll(async () => {
    raw?.disconnect();
    // Closing the app while its Redis is down waits on the queue connections: bring it back first.
    if (redisStopped) await redis.start();
    await portal?.close();
    await redis?.dispose();
    await peer?.dispose();
  });

  it('keeps working, asking api-server about every token while it cannot hear revocations', async () => {
    const before = await peer.requestsTo(INTROSPECT);
    await me(early.accessToken).expect(200);
    const late = await peer.registerAndLogin('late');
    await me(late.accessToken).expect(200);
    await me(late.accessToken).expect(200);
    expect(await peer.requestsTo(INTROSPECT)).toBe(before + 3);
  });

  it('refuses at once a session that ends meanwhile, though its answer is in the in-process cache', async () => {
    await peer.logout(doomed.accessToken);
    await peer.logout(missed.accessToken); // not asked about until Redis is back
    await me(doomed.accessToken).expect(401);
  });

  it('answers quickly instead of waiting for Redis', async () => {
    const late = await peer.registerAndLogin('quick');
    const started = Date.now();
    await me(late.accessToken).expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('goes on after Redis comes back', async () => {
    await redis.start();
    redisStopped = false;
    await me(early.accessToken).expect(200);
    const after = await peer.registerAndLogin('after');
    await me(after.accessToken).expect(200);
  });

  it('once subscribed again, does not trust the answers Redis kept from before the outage', async () => {
    await eventually(
      async () => (await raw.pubsub('NUMSUB', `${peer.redisPrefix}auth:session-revoked`))[1] === 1,
    );
    expect(await cachedAnswer(missed.accessToken)).toMatchObject({ active: true }); // stale
    await me(missed.accessToken).expect(401);
  });

  // Last: api-server does not come back.
  it('falls back to cached answers only when api-server cannot be asked either', async () => {
    const unseen = await peer.registerAndLogin('unseen');
    await redis.stop();
    redisStopped = true;
    await peer.stop();
    await me(early.accessToken).expect(200);
    expect((await me(unseen.accessToken).expect(503)).body.error.code).toBe('SSO_UNAVAILABLE');
    await me(missed.accessToken).expect(401); // its refusal is final
  });
});

/**
 * Failure modes a real api-server does not produce on demand (5xx, hanging, refusing the client),
 * from a stand-in that serves the real key set.
 */
describe('SSO when api-server misbehaves', () => {
  let stub: Server;
  let portal: BootedRealityServer;
  let introspect: (res: ServerResponse) => void;
  let issueToken: (res: ServerResponse) => void;
  const calls = { token: 0, introspect: 0 };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const serviceToken = (res: ServerResponse) =>
    json(res, 200, { access_token: `svc-${calls.token}`, expires_in: 900 });
  const me = (token: string) =>
    request(portal.app.getHttpServer()).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    const jwks = new SigningKeys(testSigningKey()).jwks();
    stub = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      if (req.url === '/.well-known/jwks.json') return json(res, 200, jwks);
      if (req.url === '/api/v1/oauth/token') {
        calls.token++;
        return issueToken(res);
      }
      if (req.url === INTROSPECT) {
        calls.introspect++;
        return introspect(res);
      }
      json(res, 404, {});
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
    calls.token = 0;
    calls.introspect = 0;
    issueToken = serviceToken;
  });

  it('answers 503 SSO_UNAVAILABLE, not 401, when introspection fails with a 5xx', async () => {
    introspect = (res) => json(res, 502, {});
    const res = await me(signAccessToken({})).expect(503);
    expect(res.body.error.code).toBe('SSO_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
  });

  it('gives up after its 2 s deadline when api-server hangs', async () => {
    introspect = () => undefined;
    const started = Date.now();
    const res = await me(signAccessToken({})).expect(503);
    expect(res.body.error.code).toBe('SSO_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(3500);
  }, 10_000);

  it('renews its service token once when introspection says 401, then succeeds', async () => {
    let refused = false;
    introspect = (res) => {
      if (!refused) {
        refused = true;
        return json(res, 401, {});
      }
      json(res, 200, { active: false });
    };
    await me(signAccessToken({})).expect(401);
    expect(calls).toEqual({ token: 1, introspect: 2 });
  });

  it('shares one introspection among concurrent requests with the same new token', async () => {
    const token = signAccessToken({});
    const { sub, sid, exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    introspect = (res) =>
      setTimeout(() => json(res, 200, { active: true, sub, sid, exp, org: null, role: null }), 100);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => me(token).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(calls.introspect).toBe(1);
  });

  // Last: the refusal is remembered for Retry-After seconds.
  it('does not hammer the token endpoint while api-server refuses its client', async () => {
    issueToken = (res) =>
      json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    introspect = (res) => json(res, 401, {});
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => me(signAccessToken({})).then((r) => r.status)),
    );
    expect(statuses).toEqual([503, 503, 503, 503, 503]);
    expect(calls.token).toBe(1);
  });
});

describe('SSO without a client secret (local development)', () => {
  let portal: BootedRealityServer;
  beforeAll(async () => {
    portal = await bootRealityServer();
  });
  afterAll(() => portal.close());

  it('boots, serves public routes, and answers signed-in routes with 503', async () => {
    await request(portal.app.getHttpServer()).get('/health/live').expect(200);
    const res = await request(portal.app.getHttpServer())
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${signAccessToken({})}`)
      .expect(503);
    expect(res.body.error.code).toBe('SSO_UNAVAILABLE');
  });
});

describe('reality-server process', () => {
  it('refuses to start in production without an SSO client secret, saying what to do', async () => {
    const server = spawnEntryPoint('apps/reality-server/src/main.ts', {
      NODE_ENV: 'production',
      OTEL_SDK_DISABLED: 'true',
      REALITY_PORT: String(await closedPort()),
      // Wins over a local .env (npm start generates a secret there): empty means unset.
      SSO_CLIENT_SECRET: '',
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('reality-server failed to start: Invalid configuration (1 problem)');
    expect(server.output()).toMatch(/SSO_CLIENT_SECRET: required in production .*create-client/);
  }, 30_000);
});
