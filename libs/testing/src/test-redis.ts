import Redis from 'ioredis';
import { TEST_REDIS_URL, uniqueSuffix } from './test-services';

export async function assertRedisReachable(): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Tests need Redis at TEST_REDIS_URL (${TEST_REDIS_URL}): ${(err as Error).message}. ` +
        'Run the tests with `npm test`, which starts a local Redis when none is reachable.',
    );
  } finally {
    client.disconnect();
  }
}

/** A key prefix of one test file's own, and a way to delete everything written under it. */
export function testRedisPrefix(): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `t${uniqueSuffix()}:`;
  return {
    prefix,
    async cleanup() {
      const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}
