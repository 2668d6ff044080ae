import { once } from 'node:events';
import { CoreEnv, validateEnv } from '@ppt/config';
import { startPrivateRedis, TEST_REDIS_URL, testRedisPrefix, type PrivateRedis } from '@ppt/testing';
import { assertNoEviction, createRedisClient, closeRedisClient, reconnectDelay } from './redis-client';
import { releaseLease, renewLease, takeLease } from './redis-lease';
import { RedisConnections } from './redis-connections';
import { RedisReadiness } from './redis.readiness';

const envFor = (url: string, prefix: string) =>
  validateEnv(CoreEnv, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix });

describe('Redis connections', () => {
  const keys = testRedisPrefix();
  afterAll(() => keys.cleanup());

  it('writes through the configured key prefix and names the connection', async () => {
    const connections = new RedisConnections(envFor(TEST_REDIS_URL, keys.prefix));
    const raw = createRedisClient(TEST_REDIS_URL, { name: 'raw-check' });
    try {
      const client = connections.get('main');
      expect(connections.get('main')).toBe(client);
      await client.set('greeting', 'hello');
      expect(await raw.get(`${keys.prefix}greeting`)).toBe('hello');
      expect(await client.client('GETNAME')).toBe('main');
    } finally {
      await connections.onApplicationShutdown();
      await closeRedisClient(raw);
    }
  });

  it('closes a client that is still connecting after the commands it queued, instead of failing them', async () => {
    // What an app that fails to boot does: its Bull clients queued their set-up commands while connecting.
    const client = createRedisClient(TEST_REDIS_URL, { name: 'closed-while-connecting' });
    expect(client.status).toBe('connecting');
    const queued = client.ping();
    await closeRedisClient(client);
    await expect(queued).resolves.toBe('PONG');
    if (client.status !== 'end') await once(client, 'end'); // QUIT answered: the socket closes next
  });

  it('gives a lease to one holder at a time, and lets only that holder renew or release it', async () => {
    const client = createRedisClient(TEST_REDIS_URL, { name: 'lease-check', keyPrefix: keys.prefix });
    try {
      const first = await takeLease(client, 'lease', 60_000);
      expect(first).toEqual(expect.any(String));
      expect(await takeLease(client, 'lease', 60_000)).toBeNull();
      expect(await renewLease(client, 'lease', 'forged', 60_000)).toBe(false);
      expect(await releaseLease(client, 'lease', 'forged')).toBe(false);
      expect(await takeLease(client, 'lease', 60_000)).toBeNull();
      expect(await renewLease(client, 'lease', first!, 120_000)).toBe(true);
      expect(await client.pttl('lease')).toBeGreaterThan(60_000);
      expect(await releaseLease(client, 'lease', first!)).toBe(true);
      const second = await takeLease(client, 'lease', 50);
      await new Promise((resolve) => setTimeout(resolve, 120)); // expired: a new holder may take it
      const third = await takeLease(client, 'lease', 60_000);
      expect(third).not.toBeNull();
      expect(await releaseLease(client, 'lease', second!)).toBe(false); // the expired holder frees nothing
      expect(await client.get('lease')).toBe(third);
    } finally {
      await client.del('lease');
      await closeRedisClient(client);
    }
  });

  it('backs off between reconnects up to a cap', () => {
    expect([1, 2, 10, 1000].map(reconnectDelay)).toEqual([100, 200, 1000, 3000]);
  });
});

describe('RedisReadiness', () => {
  let redis: PrivateRedis;
  let connections: RedisConnections;
  let readiness: RedisReadiness;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    connections = new RedisConnections(envFor(redis.url, 'r:'));
    readiness = new RedisReadiness(connections);
    readiness.onModuleInit();
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await redis.dispose();
  });

  it('reports up with a latency, down within its deadline after a crash, and up again after a restart', async () => {
    expect(await readiness.check()).toEqual({ status: 'up', latencyMs: expect.any(Number) });

    await redis.stop();
    const started = Date.now();
    const down = await readiness.check();
    expect(down).toMatchObject({ status: 'down', error: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(1500);

    await redis.start();
    let status = 'down';
    for (let i = 0; i < 50 && status !== 'up'; i++) {
      status = (await readiness.check()).status;
      if (status !== 'up') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('up');
  });
});

describe('assertNoEviction', () => {
  it('accepts noeviction and refuses an evicting policy with a message saying how to fix it', async () => {
    const evicting = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
    const safe = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    const a = createRedisClient(evicting.url, { name: 'policy-check' });
    const b = createRedisClient(safe.url, { name: 'policy-check' });
    try {
      await expect(assertNoEviction(a)).rejects.toThrow(/"allkeys-lru".*noeviction/);
      await expect(assertNoEviction(b)).resolves.toBeUndefined();
    } finally {
      await Promise.all([closeRedisClient(a), closeRedisClient(b)]);
      await Promise.all([evicting.dispose(), safe.dispose()]);
    }
  });
});
