import { CoreEnv, validateEnv } from '@ppt/config';
import { RedisConnections } from '@ppt/redis';
import { eventually, startPrivateRedis, type PrivateRedis } from '@ppt/testing';
import Redis from 'ioredis';
import { listenForSessionRevocations, SESSION_REVOKED_CHANNEL } from './session-revocations';

/** A listener on its own private Redis, recording what it was told. */
function listen(redis: PrivateRedis) {
  const connections = new RedisConnections(
    validateEnv(CoreEnv, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'rv:' }),
  );
  const create = jest.spyOn(connections, 'create'); // calls through: the real connection
  const seen = { revoked: [] as string[], subscribed: [] as boolean[], lost: 0 };
  listenForSessionRevocations(connections, 'TestRevocations', {
    revoked: (sessionId) => seen.revoked.push(sessionId),
    subscribed: (again) => seen.subscribed.push(again),
    lost: () => seen.lost++,
  });
  const subscriber = create.mock.results[0].value as Redis;
  return { connections, subscriber, seen };
}

async function publish(redis: PrivateRedis, sessionId: string): Promise<number> {
  const publisher = new Redis(redis.url);
  try {
    return await publisher.publish(`rv:${SESSION_REVOKED_CHANNEL}`, sessionId);
  } finally {
    publisher.disconnect();
  }
}

describe('listenForSessionRevocations (real Redis)', () => {
  let redis: PrivateRedis;
  beforeEach(async () => {
    redis = await startPrivateRedis();
  });
  afterEach(() => redis.dispose());

  it('subscribes once Redis comes up, even when it was down for longer than a command may wait', async () => {
    await redis.stop();
    const { connections, seen } = listen(redis);
    try {
      // Well past ioredis' retries per request (3), after which a queued SUBSCRIBE is dropped.
      await new Promise((r) => setTimeout(r, 1500));
      expect(seen.subscribed).toEqual([]);
      await redis.start();
      await eventually(() => seen.subscribed.length === 1);
      expect(seen.subscribed).toEqual([false]);
      expect(await publish(redis, 's1')).toBe(1);
      await eventually(() => seen.revoked.length === 1);
      expect(seen.revoked).toEqual(['s1']);
    } finally {
      await connections.onApplicationShutdown();
    }
  });

  it('after a reconnect it is subscribed once, says so, and hears revocations again', async () => {
    const { connections, seen } = listen(redis);
    try {
      await eventually(() => seen.subscribed.length === 1);
      await redis.stop();
      await eventually(() => seen.lost === 1);
      await redis.start();
      await eventually(() => seen.subscribed.length === 2);
      expect(seen.subscribed).toEqual([false, true]);
      expect(await publish(redis, 's2')).toBe(1); // one subscriber: no duplicate subscription
      await eventually(() => seen.revoked.length === 1);
      expect(seen.revoked).toEqual(['s2']);
    } finally {
      await connections.onApplicationShutdown();
    }
  });

  it('closing while a SUBSCRIBE is unanswered rejects nothing unhandled (Jest fails the test if it does)', async () => {
    const { connections, subscriber, seen } = listen(redis);
    await eventually(() => seen.subscribed.length === 1);
    await redis.stop();
    await eventually(() => seen.lost === 1);
    // Shuts down in the tick the connection becomes ready, and the socket goes before Redis answers.
    subscriber.once('ready', () => {
      subscriber.disconnect();
      subscriber.stream.destroy();
    });
    await redis.start();
    await eventually(() => subscriber.status === 'end');
    await new Promise((r) => setTimeout(r, 100)); // lets an unhandled rejection surface in this test
    expect(seen.subscribed).toEqual([false]);
    await connections.onApplicationShutdown();
  });
});
