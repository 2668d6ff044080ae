import { TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import Bull from 'bull';

/**
 * For this library's own tests: Bull queues on the test Redis under a key prefix of their own,
 * closed and cleaned up after the file's tests (registers an afterAll).
 */
export function testQueues(): (name: string) => Bull.Queue {
  const keys = testRedisPrefix();
  const queues: Bull.Queue[] = [];
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await keys.cleanup();
  });
  return (name) => {
    const q = new Bull(name, TEST_REDIS_URL, { prefix: `${keys.prefix}bull` });
    queues.push(q);
    return q;
  };
}
