import { eventually, TEST_REDIS_URL } from '@ppt/testing';
import Redis from 'ioredis';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { answerSigner, ApiServerPeer, signAccessToken, type PortalUser } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

const INTROSPECT = '/api/v1/auth/introspect';
const JWKS = '/.well-known/jwks.json';

/** api-server and the portal both really running; the portal's SSO is the subject. */
describe('SSO: PM accounts on the Reality Portal', () => {
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let replica: BootedRealityServer;
  let redis: Redis;
  const me = (token: string, app = portal) =>
    request(app.app.getHttpServer()).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
  const ssoCount = async (result: string, app = portal) => {
    const text = (await request(app.app.getHttpServer()).get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`sso_validation_total{result="${result}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const cachedKeys = (pattern: string) => redis.keys(`${peer.redisPrefix}${pattern}`);
  const tokenKey = (token: string) =>
    `${peer.redisPrefix}sso:tok:${createHash('sha256').update(token).digest('base64url')}`;
  /** Writes an answer into Redis as a replica would, without announcing it to the others. */
  const plantAnswer = (token: string, answer: Record<string, unknown>) => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const value = {
      active: true,
      userId: claims.sub,
      sessionId: claims.sid,
      role: null,
      expiresAt: claims.exp,
      ...answer,
    };
    const at = Date.now();
    const hash = createHash('sha256').update(token).digest('base64url');
    const signed = answerSigner.sign(JSON.stringify({ hash, answer: value, at, until: at + 60_000 }));
    return redis.set(tokenKey(token), signed, 'EX', 60);
  };

  beforeAll(async () => {
    peer = await ApiServerPeer.start();
    portal = await bootRealityServer(peer.portalEnv());
    // The replica reuses no readiness answer, so it sees api-server's state on every probe.
    replica = await bootRealityServer({ ...peer.portalEnv(), SSO_READINESS_CACHE_S: '0' });
    redis = new Redis(TEST_REDIS_URL);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await replica?.close();
    await portal?.close();
    await peer?.dispose();
  });

  describe('while api-server is up', () => {
    let user: PortalUser;
    beforeAll(async () => {
      user = await peer.registerAndLogin('visitor');
    });

    it('signs in a PM account without any organisation as a visitor, confirmed by introspection', async () => {
      const introspections = await peer.requestsTo(INTROSPECT);
      const res = await me(user.accessToken).expect(200);
      expect(res.body).toEqual({ kind: 'visitor', userId: user.id, sessionId: expect.any(String) });
      expect(await peer.requestsTo(INTROSPECT)).toBe(introspections + 1);
    });

    it('serves later requests from its cache without asking api-server again', async () => {
      const [introspections, hits] = [await peer.requestsTo(INTROSPECT), await ssoCount('hit')];
      await me(user.accessToken).expect(200);
      await me(user.accessToken).expect(200);
      expect(await ssoCount('hit')).toBe(hits + 2);
      expect(await peer.requestsTo(INTROSPECT)).toBe(introspections);
      expect(await cachedKeys('sso:tok:*')).not.toHaveLength(0);
    });

    it('shares answers between portal replicas: one introspection serves them all, without a Redis read', async () => {
      const introspections = await peer.requestsTo(INTROSPECT);
      await me(user.accessToken, replica).expect(200);
      expect(await peer.requestsTo(INTROSPECT)).toBe(introspections);

      const next = await peer.registerAndLogin('roaming');
      await me(next.accessToken).expect(200);
      // The answer is in Redis, and announced in the same transaction; the replica heard it before
      // this read's reply (Redis sends both in order), so it needs neither Redis nor api-server.
      await eventually(async () => (await redis.exists(tokenKey(next.accessToken))) === 1);
      await redis.del(tokenKey(next.accessToken));
      const [count, hits] = [await peer.requestsTo(INTROSPECT), await ssoCount('hit', replica)];
      await me(next.accessToken, replica).expect(200);
      expect(await peer.requestsTo(INTROSPECT)).toBe(count);
      expect(await ssoCount('hit', replica)).toBe(hits + 1);
    });

    it('asks api-server, not Redis, about a token no replica announced (the others announce all they cache)', async () => {
      const fresh = await peer.registerAndLogin('fresh');
      await plantAnswer(fresh.accessToken, { organizationId: randomUUID(), role: 'org_admin' });
      const introspections = await peer.requestsTo(INTROSPECT);
      const res = await me(fresh.accessToken).expect(200);
      expect(res.body).toEqual({ kind: 'visitor', userId: fresh.id, sessionId: expect.any(String) });
      expect(await peer.requestsTo(INTROSPECT)).toBe(introspections + 1);
    });

    it("reports the organisation and role when the token acts in one of the account's organisations", async () => {
      const manager = await peer.registerAndLogin('manager');
      const org = await peer.createOrganization(manager.accessToken);
      const res = await me(org.token).expect(200);
      expect(res.body).toEqual({
        kind: 'visitor',
        userId: manager.id,
        sessionId: expect.any(String),
        organizationId: org.id,
        role: 'org_admin',
      });
    });

    it('API2:2023 stops accepting the token a session held before it switched organisation, on every replica within 1 s', async () => {
      const switching = await peer.registerAndLogin('switching');
      // Both replicas hold an answer for the token (one introspected it, the other heard it).
      await me(switching.accessToken).expect(200);
      await me(switching.accessToken, replica).expect(200);
      const sessionId = (await me(switching.accessToken).expect(200)).body.sessionId as string;

      const org = await peer.createOrganization(switching.accessToken); // switches the session
      const switchedAt = Date.now();
      for (const app of [portal, replica]) {
        while ((await me(switching.accessToken, app)).status !== 401) {
          if (Date.now() - switchedAt > 1000)
            throw new Error('the portal still accepts the earlier token 1 s after the switch');
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      // The session lives on: its new token works, acting in the new organisation.
      for (const app of [portal, replica]) {
        const res = await me(org.token, app).expect(200);
        expect(res.body).toMatchObject({ sessionId, organizationId: org.id, role: 'org_admin' });
      }
    });

    it('rejects a session on every replica within 1 s of its logout at api-server', async () => {
      const leaving = await peer.registerAndLogin('leaving');
      const other = await peer.login(leaving.email);
      await me(leaving.accessToken).expect(200);
      await me(leaving.accessToken, replica).expect(200);
      await me(other).expect(200);
      const sessionId = (await me(leaving.accessToken).expect(200)).body.sessionId as string;
      expect(await cachedKeys(`sso:sid:${sessionId}`)).toHaveLength(1);

      await peer.logout(leaving.accessToken);
      const loggedOutAt = Date.now();
      for (const app of [portal, replica]) {
        while ((await me(leaving.accessToken, app)).status !== 401) {
          if (Date.now() - loggedOutAt > 1000)
            throw new Error('the portal still accepts the token 1 s after logout');
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      expect(Date.now() - loggedOutAt).toBeLessThan(1000);
      const res = await me(leaving.accessToken).expect(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: res.headers['x-request-id'] });
      expect(await cachedKeys(`sso:sid:${sessionId}`)).toHaveLength(0);
      // Only that session ended: the same account on another device still works.
      await me(other).expect(200);
    });

    it('rejects expired, tampered, foreign-key and malformed tokens with 401 without calling api-server', async () => {
      await me(user.accessToken).expect(200); // the key set is loaded
      const [introspections, jwksFetches] = [await peer.requestsTo(INTROSPECT), await peer.requestsTo(JWKS)];
      const [header, payload, signature] = user.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = [
        header,
        Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url'),
        signature,
      ].join('.');
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const issuerKid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid as string;
      const rejected = {
        expired: signAccessToken({ sub: user.id }, { expiresInS: -120 }),
        tampered,
        'signed by another key under our kid': signAccessToken(
          { sub: user.id },
          { key: otherKey, kid: issuerKid },
        ),
        'signed by another key': signAccessToken({ sub: user.id }, { key: otherKey }),
        'not a JWT': 'garbage',
        'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
        HS256: sign({ ...claims }, 'secret', { algorithm: 'HS256', keyid: issuerKid }),
        'from another issuer': signAccessToken({ sub: user.id, iss: 'http://evil.test' }),
        'a service token': await peer.serviceToken(),
        'typed JWT, not at+jwt (RFC 9068)': signAccessToken({ sub: user.id }, { typ: 'JWT' }),
        "for api-server's audience only": signAccessToken({ sub: user.id, aud: 'ppt' }),
      };
      for (const [what, token] of Object.entries(rejected)) {
        const res = await me(token);
        expect({ what, status: res.status, code: res.body.error?.code }).toEqual({
          what,
          status: 401,
          code: 'UNAUTHORIZED',
        });
        // RFC 6750 §3.1: a refused token is named as such.
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="ppt", error="invalid_token"/);
      }
      expect(await peer.requestsTo(INTROSPECT)).toBe(introspections);
      // Only the unknown key id may refetch the key set, once.
      expect(await peer.requestsTo(JWKS)).toBeLessThanOrEqual(jwksFetches + 1);
    });

    it('refetches the key set at most once for a burst of tokens with made-up key ids', async () => {
      const jwksFetches = await peer.requestsTo(JWKS);
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const statuses = await Promise.all(
        Array.from({ length: 25 }, () =>
          me(signAccessToken({}, { key: otherKey, kid: randomUUID() })).then((r) => r.status),
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(await peer.requestsTo(JWKS)).toBeLessThanOrEqual(jwksFetches + 1);
    });

    it('does not sign anyone in on an announced answer for a token whose signature it has not checked', async () => {
      // As if someone who can publish to Redis announced an answer for a token api-server never issued.
      const realKid = JSON.parse(Buffer.from(user.accessToken.split('.')[0], 'base64url').toString()).kid;
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = signAccessToken({ sub: user.id }, { key: otherKey, kid: realKid });
      const claims = JSON.parse(Buffer.from(forged.split('.')[1], 'base64url').toString());
      const at = Date.now();
      const hash = createHash('sha256').update(forged).digest('base64url');
      const answer = {
        active: true,
        userId: user.id,
        sessionId: claims.sid,
        organizationId: null,
        role: null,
      };
      const heardBy = await redis.publish(
        `${peer.redisPrefix}sso:answers`,
        JSON.stringify({ hash, answer, at, until: at + 60_000 }),
      );
      expect(heardBy).toBeGreaterThanOrEqual(2); // both replicas (they have it before this reply)
      const res = await me(forged).expect(401);
      expect(res.body.error.message).toMatch(/bad signature/);
    });

    it('asks for a token on signed-in routes and leaves public ones alone', async () => {
      const res = await request(portal.app.getHttpServer()).get('/api/v1/me').expect(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', message: 'Authentication required' });
      await request(portal.app.getHttpServer())
        .get('/health/live')
        .set('Authorization', 'Bearer garbage')
        .expect(200);
    });

    it('reports api-server in readiness, asking it at most once per 30 s however often it is probed', async () => {
      const liveChecks = await peer.requestsTo('/health/live');
      for (let i = 0; i < 5; i++) {
        const ready = await request(portal.app.getHttpServer()).get('/health/ready').expect(200);
        expect(ready.body.status).toBe('ok');
        expect(ready.body.details['api-server']).toEqual({ status: 'up', latencyMs: expect.any(Number) });
      }
      expect(await peer.requestsTo('/health/live')).toBeLessThanOrEqual(liveChecks + 1);
      const fromReplica = await request(replica.app.getHttpServer()).get('/health/ready').expect(200);
      expect(fromReplica.body.status).toBe('ok');
    });
  });

  describe('when api-server is down', () => {
    let known: PortalUser;
    let unseen: PortalUser;
    let unannounced: PortalUser;
    beforeAll(async () => {
      known = await peer.registerAndLogin('known');
      unseen = await peer.registerAndLogin('unseen');
      unannounced = await peer.registerAndLogin('unannounced');
      await me(known.accessToken).expect(200);
      await peer.stop();
    }, 30_000);

    it('keeps serving sessions it has already confirmed', async () => {
      await me(known.accessToken).expect(200);
      await me(known.accessToken, replica).expect(200);
    });

    it('finds in Redis a session another replica confirmed, though it missed that announcement', async () => {
      await plantAnswer(unannounced.accessToken, { organizationId: null });
      const res = await me(unannounced.accessToken).expect(200);
      expect(res.body).toEqual({ kind: 'visitor', userId: unannounced.id, sessionId: expect.any(String) });
    });

    it('answers 503 SSO_UNAVAILABLE with Retry-After for a token it has not seen, never 401', async () => {
      const unavailable = await ssoCount('unavailable');
      const res = await me(unseen.accessToken).expect(503);
      expect(res.body.error).toMatchObject({ code: 'SSO_UNAVAILABLE', requestId: expect.any(String) });
      expect(res.headers['retry-after']).toBe('5');
      expect(await ssoCount('unavailable')).toBe(unavailable + 1);
    });

    it('still rejects forged tokens with 401, from the keys it already has', async () => {
      await me(signAccessToken({}, { expiresInS: -120 })).expect(401);
      await me('garbage').expect(401);
    });

    it('stays ready but degraded once api-server has been reached, reusing a recent result rather than probing again', async () => {
      // The replica reached api-server before (above) and reuses nothing: it finds it down now.
      const fresh = await request(replica.app.getHttpServer()).get('/health/ready').expect(200);
      expect(fresh.body.status).toBe('degraded');
      expect(fresh.body.error['api-server']).toMatchObject({
        status: 'down',
        error: expect.stringMatching(/ECONNREFUSED/),
      });
      expect(fresh.body.details.database.status).toBe('up');
      // The portal probed it moments ago (above) and keeps that result for 30 s.
      const cached = await request(portal.app.getHttpServer()).get('/health/ready').expect(200);
      expect(cached.body.details['api-server'].status).toBe('up');
    });

    it('counts every outcome and times validations in /metrics', async () => {
      for (const result of ['hit', 'miss', 'invalid', 'unavailable'])
        expect(await ssoCount(result)).toBeGreaterThan(0);
      const text = (await request(portal.app.getHttpServer()).get('/metrics')).text;
      expect(text).toMatch(/sso_validation_duration_seconds_bucket\{le="0.005",result="hit"\} [1-9]/);
    });
  });
});
