import { CoreEnv, validateEnv } from '@ppt/config';
import { RedisConnections } from '@ppt/redis';
import { closedPort, eventually, startPrivateRedis, TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import Redis from 'ioredis';
import { register } from 'prom-client';
import { randomBytes } from 'node:crypto';
import { AnswerSigner } from './answer-signer';
import { IntrospectionCache, type CachedAnswer } from './introspection-cache';
import { SESSION_REVOKED_CHANNEL } from '../session-revocations';
import { RevocationListener } from './revocation-listener';
import { resolveSsoOptions } from './sso.options';

const announcementKeys = `k1:${randomBytes(32).toString('base64')}`;
const signer = new AnswerSigner(announcementKeys);
const options = resolveSsoOptions({
  apiServerUrl: 'http://unused',
  issuer: 'http://api.test',
  audience: 'ppt',
  clientId: 'reality-server',
  cacheTtlS: 300,
  memoryCacheSize: 3,
  announcementKeys,
});
const EXP = Math.floor(Date.now() / 1000) + 900;
const active = (sessionId: string): CachedAnswer => ({
  active: true,
  userId: 'u',
  sessionId,
  organizationId: null,
  role: null,
  expiresAt: EXP,
});
/** As a replica with the services' key writes an answer to Redis and announces it. */
const signed = (hash: string, answer: CachedAnswer, at = Date.now(), until = at + 60_000) =>
  signer.sign(JSON.stringify({ hash, answer, at, until }));

/**
 * One portal replica: its own connections and in-process cache, the shared Redis. `subscribed`: as
 * if it heard revocations from now on (RevocationListener says so for real in the tests that use it).
 */
function replica(prefix: string, url = TEST_REDIS_URL, subscribed = true) {
  const connections = new RedisConnections(
    validateEnv(CoreEnv, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix }),
  );
  const cache = new IntrospectionCache(connections, options);
  cache.onModuleInit();
  if (subscribed) cache.subscribed();
  return { connections, cache };
}

/** The cache fails fast rather than queueing, so tests wait until its connection is up. */
function ready(connections: RedisConnections): Promise<unknown> | undefined {
  const client = connections.get('sso-cache');
  return client.status === 'ready' ? undefined : new Promise((resolve) => client.once('ready', resolve));
}

/** A RevocationListener on the replica, and how many times its subscription was confirmed. */
function listen({ connections, cache }: ReturnType<typeof replica>) {
  const confirmations = jest.spyOn(cache, 'subscribed'); // calls through
  new RevocationListener(connections, cache).onModuleInit();
  return () => confirmations.mock.calls.length;
}

describe('IntrospectionCache and RevocationListener (real Redis)', () => {
  const keys = testRedisPrefix();
  const raw = new Redis(TEST_REDIS_URL);
  const a = replica(keys.prefix);
  const b = replica(keys.prefix);
  beforeAll(() => Promise.all([a, b].map(({ connections }) => ready(connections))));
  afterAll(async () => {
    await Promise.all([a.connections.onApplicationShutdown(), b.connections.onApplicationShutdown()]);
    raw.disconnect();
    await keys.cleanup();
  });

  it('shares answers between replicas through Redis, with the TTL it was given', async () => {
    await a.cache.set('h1', active('s1'), 120);
    expect(await b.cache.get('h1')).toEqual(active('s1'));
    const ttl = await raw.ttl(`${keys.prefix}sso:tok:h1`);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await raw.smembers(`${keys.prefix}sso:sid:s1`)).toEqual(['h1']);
  });

  it('drops every answer of a revoked session from memory and Redis, and never caches it again', async () => {
    await a.cache.set('h2', active('s2'), 120);
    await a.cache.set('h3', active('s2'), 120);
    await a.cache.dropSession('s2');
    expect(await a.cache.get('h2')).toBeUndefined();
    expect(await b.cache.get('h3')).toBeUndefined();
    expect(await raw.exists(`${keys.prefix}sso:sid:s2`)).toBe(0);
    expect(a.cache.isEnded('s2')).toBe(true);
    // An introspection that was already under way when the revocation arrived.
    await a.cache.set('h4', active('s2'), 120);
    expect(await b.cache.get('h4')).toBeUndefined();
  });

  it('hears revocations on <prefix>auth:session-revoked and drops the session within a second', async () => {
    const confirmed = listen(a);
    // Answers obtained before the subscription is confirmed are not trusted: wait for it.
    await eventually(() => confirmed() === 1);
    await b.cache.set('h5', active('s5'), 120);
    expect(await a.cache.get('h5')).toBeDefined(); // now also in a's memory
    for (
      let i = 0;
      i < 50 && (await raw.pubsub('NUMSUB', `${keys.prefix}${SESSION_REVOKED_CHANNEL}`))[1] === 0;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }

    const published = Date.now();
    await raw.publish(`${keys.prefix}${SESSION_REVOKED_CHANNEL}`, 's5');
    while (!a.cache.isEnded('s5') && Date.now() - published < 1000)
      await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - published).toBeLessThan(1000);
    expect(await a.cache.get('h5')).toBeUndefined();
  });

  it('announces every answer it caches: the other replicas keep it in memory, unless its session has ended there', async () => {
    const d = replica(keys.prefix, TEST_REDIS_URL, false);
    // In d's memory (d is subscribed and has evicted nothing, so lookup does not read Redis).
    const inMemory = async (hash: string) => (await d.cache.lookup(hash))?.answer;
    try {
      const confirmed = listen(d);
      await eventually(() => confirmed() === 1);
      await a.cache.set('h13', active('s13'), 120);
      await eventually(async () => (await inMemory('h13')) !== undefined);
      expect(await d.cache.lookup('h13')).toEqual({ answer: active('s13'), trusted: true });
      // Served without a signature check only once d has checked the token itself.
      expect(d.cache.getLocal('h13')).toBeUndefined();
      d.cache.checked('h13', { sub: 'u', sid: 's13', exp: EXP });
      expect(d.cache.getLocal('h13')).toEqual(active('s13'));

      // d has applied the revocation of s14; a has not yet, and caches an answer for it.
      await d.cache.dropSession('s14');
      await a.cache.set('h14', active('s14'), 120);
      await a.cache.set('h15', active('s15'), 120);
      await eventually(async () => (await inMemory('h15')) !== undefined); // announcements arrive in order
      expect(await inMemory('h14')).toBeUndefined();

      const off = new IntrospectionCache(d.connections, { ...options, cacheTtlS: 0 });
      off.subscribed();
      off.heard(signed('h13', active('s13')));
      expect(await off.lookup('h13')).toBeUndefined(); // a portal with its cache off keeps nothing

      // Malformed announcements are ignored, without throwing, signed or not.
      const at = Date.now();
      for (const body of [
        'not json',
        'null',
        JSON.stringify({ hash: 7 }),
        JSON.stringify({ hash: 'h16', at, until: at + 60_000 }), // no answer
        JSON.stringify({ hash: 'h16', at, answer: active('s16') }), // no expiry
        JSON.stringify({ hash: 'h16', at, until: at + 60_000, answer: { active: true } }), // whose?
        JSON.stringify({
          hash: 'h16',
          at,
          until: at + 60_000,
          answer: { ...active('s16'), expiresAt: undefined },
        }),
      ]) {
        d.cache.heard(body);
        d.cache.heard(signer.sign(body));
      }
      expect(await inMemory('h16')).toBeUndefined();
    } finally {
      await d.connections.onApplicationShutdown();
    }
  });

  it('drops and counts forged announcements and Redis entries: unsigned, wrong MAC, unknown key, copied under another key', async () => {
    const d = replica(keys.prefix, TEST_REDIS_URL, false);
    const rejected = async (source: string, reason: string) => {
      const metric =
        (await register.getSingleMetric('sso_shared_answers_rejected_total')?.get())?.values ?? [];
      return metric.find((v) => v.labels.source === source && v.labels.reason === reason)?.value ?? 0;
    };
    const intruder = new AnswerSigner(`k1:${randomBytes(32).toString('base64')}`); // same kid, other key
    const stranger = new AnswerSigner(`k9:${randomBytes(32).toString('base64')}`);
    try {
      const confirmed = listen(d);
      await eventually(() => confirmed() === 1);
      const inMemory = async (hash: string) => (await d.cache.lookup(hash))?.answer;
      const before = {
        unsigned: await rejected('announcement', 'unsigned'),
        badMac: await rejected('announcement', 'bad_mac'),
        unknownKey: await rejected('announcement', 'unknown_key'),
        wrongKey: await rejected('redis', 'wrong_key'),
        redisBadMac: await rejected('redis', 'bad_mac'),
      };
      const at = Date.now();
      const body = JSON.stringify({ hash: 'f1', answer: active('fs1'), at, until: at + 60_000 });
      const forgedMac = signer
        .sign(body)
        .replace(/^(v1\.k1\.)[^.]+/, `$1${randomBytes(32).toString('base64url')}`);
      const channel = `${keys.prefix}sso:answers`;
      for (const message of [body, intruder.sign(body), stranger.sign(body), forgedMac])
        await raw.publish(channel, message);
      await raw.publish(channel, signed('f2', active('fs2'))); // a genuine one, after the forged ones
      await eventually(async () => (await inMemory('f2')) !== undefined); // announcements arrive in order
      expect(await inMemory('f1')).toBeUndefined();
      // Every listening replica in this process (an earlier test left another one) drops and counts them.
      const listeners = Number((await raw.pubsub('NUMSUB', channel))[1]);
      await eventually(
        async () =>
          (await rejected('announcement', 'unsigned')) === before.unsigned + listeners &&
          (await rejected('announcement', 'bad_mac')) === before.badMac + 2 * listeners &&
          (await rejected('announcement', 'unknown_key')) === before.unknownKey + listeners,
      );

      // In Redis: a forged entry, and a genuine one copied under another token's key.
      await raw.set(
        `${keys.prefix}sso:tok:f3`,
        intruder.sign(JSON.stringify({ hash: 'f3', answer: active('fs3'), at, until: at + 60_000 })),
      );
      await raw.set(`${keys.prefix}sso:tok:f4`, signed('f2', active('fs2')));
      expect(await d.cache.lookup('f3', { everywhere: true })).toBeUndefined();
      expect(await d.cache.lookup('f4', { everywhere: true })).toBeUndefined();
      expect(await rejected('redis', 'bad_mac')).toBe(before.redisBadMac + 1);
      expect(await rejected('redis', 'wrong_key')).toBe(before.wrongKey + 1);
    } finally {
      await d.connections.onApplicationShutdown();
    }
  });

  it('serves an answer without a signature check only while it fits the claims of the token this process checked', async () => {
    const d = replica(keys.prefix);
    try {
      await ready(d.connections);
      d.cache.heard(signed('b1', active('bs1')));
      d.cache.checked('b1', { sub: 'u', sid: 'other-session', exp: EXP });
      expect(d.cache.getLocal('b1')).toBeUndefined();
      d.cache.checked('b1', { sub: 'u', sid: 'bs1', exp: EXP + 1 });
      expect(d.cache.getLocal('b1')).toBeUndefined();
      d.cache.checked('b1', { sub: 'someone-else', sid: 'bs1', exp: EXP });
      expect(d.cache.getLocal('b1')).toBeUndefined();
      d.cache.checked('b1', { sub: 'u', sid: 'bs1', exp: EXP });
      expect(d.cache.getLocal('b1')).toEqual(active('bs1'));
      // A newer answer under the same hash for another session keeps the check, not the trust.
      await new Promise((r) => setTimeout(r, 2));
      d.cache.heard(signed('b1', active('bs2')));
      expect(d.cache.getLocal('b1')).toBeUndefined();
    } finally {
      await d.connections.onApplicationShutdown();
    }
  });

  it('reads Redis only while it may hold trusted answers the memory lacks: unsubscribed, or since an eviction', async () => {
    const d = replica(keys.prefix, TEST_REDIS_URL, false);
    const plant = async (hash: string) => {
      const at = Date.now();
      await raw.set(`${keys.prefix}sso:tok:${hash}`, signed(hash, active(hash), at));
    };
    try {
      await ready(d.connections);
      await plant('h16');
      expect(await d.cache.lookup('h16')).toEqual({ answer: active('h16'), trusted: false });

      d.cache.subscribed();
      await new Promise((r) => setTimeout(r, 2)); // stamps are in ms
      await plant('h17'); // as if announced while d was not listening
      expect(await d.cache.lookup('h17')).toBeUndefined();
      expect(await d.cache.lookup('h17', { everywhere: true })).toEqual({
        answer: active('h17'),
        trusted: true,
      });

      // Answers that have expired are pushed out first (lru-cache evicts them as any other): that
      // leaves Redis knowing nothing more. (Subscribed again, so h16 and h17 are not trusted any more.)
      d.cache.subscribed();
      for (const n of [1, 2, 3]) await d.cache.set(`x${n}`, active(`xs${n}`), 1);
      await new Promise((r) => setTimeout(r, 1100));
      await d.cache.set('x4', active('xs4'), 60);
      await plant('h20');
      expect(await d.cache.lookup('h20')).toBeUndefined();

      for (const n of [1, 2, 3, 4]) await d.cache.set(`e${n}`, active(`es${n}`), 60); // holds 3
      await plant('h18');
      expect(await d.cache.lookup('h18')).toEqual({ answer: active('h18'), trusted: true });

      d.cache.subscribed(); // again: what is trusted from now on is announced from now on
      await new Promise((r) => setTimeout(r, 2));
      await plant('h19');
      expect(await d.cache.lookup('h19')).toBeUndefined();
    } finally {
      await d.connections.onApplicationShutdown();
    }
  });

  it('forgets its in-process answers when the revocation channel reconnects (it may have missed some)', async () => {
    const redis = await startPrivateRedis();
    const c = replica('r:', redis.url);
    try {
      new RevocationListener(c.connections, c.cache).onModuleInit();
      const probe = new Redis(redis.url, { lazyConnect: true });
      await eventually(async () => (await probe.pubsub('NUMSUB', `r:${SESSION_REVOKED_CHANNEL}`))[1] === 1);
      probe.disconnect();
      await redis.stop();
      await c.cache.set('h7', active('s7'), 60);
      // Kept, but only for when api-server cannot be asked: revocations are being missed.
      await eventually(async () => (await c.cache.lookup('h7'))?.trusted === false);
      expect(await c.cache.lookup('h7')).toEqual({ answer: active('s7'), trusted: false });
      await redis.start();
      await eventually(async () => (await c.cache.get('h7')) === undefined);
    } finally {
      await c.connections.onApplicationShutdown();
      await redis.dispose();
    }
  });

  it('trusts only inactive answers before its subscription is confirmed', async () => {
    const c = replica(keys.prefix, TEST_REDIS_URL, false);
    try {
      await ready(c.connections);
      await a.cache.set('h11', active('s11'), 60);
      await a.cache.set('h12', { active: false }, 30);
      expect(await c.cache.get('h11')).toBeUndefined();
      expect(await c.cache.lookup('h11')).toEqual({ answer: active('s11'), trusted: false });
      expect(c.cache.getLocal('h11')).toBeUndefined(); // now in c's memory, still not trusted
      expect(await c.cache.get('h12')).toEqual({ active: false });
      await new Promise((r) => setTimeout(r, 2)); // stamps are in ms
      c.cache.subscribed();
      expect(await c.cache.get('h11')).toBeUndefined(); // introspected before c could hear revocations
      await a.cache.set('h11', active('s11'), 60);
      expect(await c.cache.get('h11')).toEqual(active('s11'));
    } finally {
      await c.connections.onApplicationShutdown();
    }
  });

  it('does not trust answers cached before or while its subscription was down, in memory or Redis', async () => {
    // Persistent, like a production Redis: what it held survives the outage.
    const redis = await startPrivateRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    const raw = new Redis(redis.url, { lazyConnect: true });
    const c = replica('r:', redis.url, false);
    try {
      const confirmed = listen(c);
      await eventually(() => confirmed() === 1);
      await ready(c.connections);
      await c.cache.set('h8', active('s8'), 60);
      expect(c.cache.getLocal('h8')).toEqual(active('s8'));
      expect(await c.cache.get('h8')).toEqual(active('s8'));

      // s8 ends while nobody listens: its revocation is lost.
      await redis.stop();
      await eventually(() => c.cache.getLocal('h8') === undefined);
      expect(await c.cache.get('h8')).toBeUndefined();
      expect(await c.cache.lookup('h8')).toEqual({ answer: active('s8'), trusted: false });
      const beforeResubscribing = Date.now();
      await c.cache.set('h9', active('s9'), 60); // introspected while down

      await redis.start();
      await eventually(() => confirmed() === 2);
      const stored = signer.open((await raw.get('r:sso:tok:h8')) ?? '');
      expect('body' in stored && JSON.parse(stored.body).answer).toEqual(active('s8'));
      expect(await c.cache.get('h8')).toBeUndefined();
      expect(await c.cache.get('h9')).toBeUndefined();
      expect(c.cache.getLocal('h8')).toBeUndefined();
      // An introspection that was sent before the confirmation and answered after it.
      await c.cache.set('h10', active('s10'), 60, beforeResubscribing);
      expect(await c.cache.get('h10')).toBeUndefined();
      // What is introspected from now on is trusted again.
      await c.cache.set('h8', active('s8'), 60);
      expect(c.cache.getLocal('h8')).toEqual(active('s8'));
    } finally {
      raw.disconnect();
      await c.connections.onApplicationShutdown();
      await redis.dispose();
    }
  });

  it('keeps a bounded number of answers in memory', async () => {
    const c = replica(keys.prefix, `redis://127.0.0.1:${await closedPort()}`); // memory only
    for (const n of [1, 2, 3, 4]) await c.cache.set(`m${n}`, active(`ms${n}`), 60);
    expect(await c.cache.get('m1')).toBeUndefined();
    expect(await c.cache.get('m4')).toBeDefined();
    await c.connections.onApplicationShutdown();
  });

  it('works from memory alone, without errors or waiting, when Redis is unreachable', async () => {
    const c = replica(keys.prefix, `redis://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    await c.cache.set('h6', active('s6'), 60);
    expect(await c.cache.get('h6')).toEqual(active('s6'));
    expect(await c.cache.get('unknown')).toBeUndefined();
    await c.cache.dropSession('s6');
    expect(await c.cache.get('h6')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(500);
    await c.connections.onApplicationShutdown();
  });
});
