import { CoreEnv, validateEnv } from '@ppt/config';
import { TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import { FailureLockout } from './failure-lockout';
import { RedisConnections } from './redis-connections';

describe('FailureLockout', () => {
  const keys = testRedisPrefix();
  const connections = new RedisConnections(
    validateEnv(CoreEnv, { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: keys.prefix }),
  );
  const lockout = new FailureLockout(connections, 'test', {
    failuresBeforeLock: 3,
    firstLockMs: 1000,
    longestLockMs: 5000,
    memoryMs: 60_000,
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await keys.cleanup();
  });

  it('allows the first failures, then locks for a time that doubles per failure up to the cap', async () => {
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) locks.push(await lockout.failed('a'));
    expect(locks).toEqual([0, 0, 1000, 2000, 4000, 5000, 5000]);
    const left = await lockout.lockedForMs('a');
    expect(left).toBeGreaterThan(4000);
    expect(left).toBeLessThanOrEqual(5000);
  });

  it('keeps subjects apart, and a cleared subject starts again from nothing', async () => {
    for (let i = 0; i < 3; i++) await lockout.failed('b');
    expect(await lockout.lockedForMs('b')).toBeGreaterThan(0);
    expect(await lockout.lockedForMs('c')).toBe(0);
    await lockout.clear('b');
    expect(await lockout.lockedForMs('b')).toBe(0);
    expect(await lockout.failed('b')).toBe(0);
  });

  it('forgets failures after the memory (expiry covers the lock too)', async () => {
    await lockout.failed('d');
    const ttl = await connections.get('probe', { raw: true }).pttl(`${keys.prefix}rl:test:d`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
