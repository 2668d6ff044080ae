import { AnswerSigner } from '@ppt/auth';
import { TEST_REDIS_URL } from '@ppt/testing';
import Redis from 'ioredis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { answerSigner, ApiServerPeer, type PortalUser } from '../api-server-peer';
import { bootRealityServer, type BootedRealityServer } from '../boot';

const INTROSPECT = '/api/v1/auth/introspect';

/**
 * Someone who can write to the portal's Redis (or publish on it) tries to sign in as somebody else,
 * or to lift a visitor into an organisation role, by planting introspection answers.
 */
describe('Security: SSO answers shared through Redis (reality-server)', () => {
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let redis: Redis;
  const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
      sub: string;
      sid: string;
      exp: number;
    };
  const me = (token: string) =>
    request(portal.app.getHttpServer()).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
  /** An answer lifting the token's holder into an organisation as its admin, for an attacker to plant. */
  const elevated = (token: string, overrides: Record<string, unknown> = {}) => {
    const { sub, sid, exp } = claimsOf(token);
    const at = Date.now();
    return JSON.stringify({
      hash: hashOf(token),
      answer: {
        active: true,
        userId: sub,
        sessionId: sid,
        expiresAt: exp,
        organizationId: randomUUID(),
        role: 'org_admin',
        ...overrides,
      },
      at,
      until: at + 60_000,
    });
  };
  const asVisitor = (user: PortalUser) => ({
    kind: 'visitor',
    userId: user.id,
    sessionId: claimsOf(user.accessToken).sid,
  });

  beforeAll(async () => {
    peer = await ApiServerPeer.start();
    portal = await bootRealityServer(peer.portalEnv());
    redis = new Redis(TEST_REDIS_URL);
    // Announcements are kept only once the portal hears revocations (and answers) on Redis.
    for (let i = 0; i < 100; i++) {
      if ((await redis.pubsub('NUMSUB', `${peer.redisPrefix}sso:answers`))[1] === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await portal?.close();
    await peer?.dispose();
  });

  it('API2:2023 a forged announcement (unsigned, or with a MAC under another key) does not grant an organisation role', async () => {
    const user = await peer.registerAndLogin('announced');
    const forger = new AnswerSigner(`k1:${randomBytes(32).toString('base64')}`);
    const channel = `${peer.redisPrefix}sso:answers`;
    const body = elevated(user.accessToken);
    for (const message of [body, forger.sign(body)]) expect(await redis.publish(channel, message)).toBe(1); // heard, before this reply
    const introspections = await peer.requestsTo(INTROSPECT);
    expect((await me(user.accessToken).expect(200)).body).toEqual(asVisitor(user));
    expect(await peer.requestsTo(INTROSPECT)).toBe(introspections + 1); // asked api-server instead
  });

  // A Redis entry is read when this replica may have missed it, and always when api-server cannot
  // be asked: then a cached answer beats a 503, so a planted one is what an attacker would aim for.
  describe('while api-server is down', () => {
    let attacker: PortalUser;
    let victim: PortalUser;
    let honest: PortalUser;
    beforeAll(async () => {
      attacker = await peer.registerAndLogin('attacker');
      victim = await peer.registerAndLogin('victim');
      honest = await peer.registerAndLogin('honest');
      await peer.stop();
    }, 30_000);
    const plantFor = (token: string, value: string) =>
      redis.set(`${peer.redisPrefix}sso:tok:${hashOf(token)}`, value, 'EX', 60);

    it('API2:2023 a Redis entry written without the services key (unsigned, or under another key) signs nobody in', async () => {
      const forger = new AnswerSigner(`k1:${randomBytes(32).toString('base64')}`);
      const body = elevated(attacker.accessToken);
      for (const value of [
        body,
        forger.sign(body),
        `v1.k1.${randomBytes(32).toString('base64url')}.${body}`,
      ]) {
        await plantFor(attacker.accessToken, value);
        const res = await me(attacker.accessToken).expect(503);
        expect(res.body.error.code).toBe('SSO_UNAVAILABLE');
      }
    });

    it("API2:2023 a validly signed answer naming another user, session or expiry than the token's is not used", async () => {
      const victimClaims = claimsOf(victim.accessToken);
      for (const overrides of [
        { userId: victimClaims.sub, sessionId: victimClaims.sid }, // the victim's answer under my token
        { sessionId: victimClaims.sid },
        { expiresAt: claimsOf(attacker.accessToken).exp + 3600 },
      ]) {
        await plantFor(attacker.accessToken, answerSigner.sign(elevated(attacker.accessToken, overrides)));
        await me(attacker.accessToken).expect(503);
      }
      // An answer naming the token's own user, session and expiry is what a replica would have
      // cached: it serves while api-server is down (the refusals above are not for want of a cache).
      await plantFor(
        honest.accessToken,
        answerSigner.sign(elevated(honest.accessToken, { role: null, organizationId: null })),
      );
      expect((await me(honest.accessToken).expect(200)).body).toEqual(asVisitor(honest));
    });
  });
});
