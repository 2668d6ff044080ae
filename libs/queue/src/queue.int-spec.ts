import { getQueueToken } from '@nestjs/bull';
import { Test } from '@nestjs/testing';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { RedisModule } from '@ppt/redis';
import { startPrivateRedis, TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { register } from 'prom-client';
import { QueueName } from './queue-names';
import { QueueModule } from './queue.module';
import { QueueWorkerGuard } from './queue-worker.guard';

async function bootQueues(
  redisUrl: string,
  prefix: string,
  withGuard = false,
  extra: Record<string, string> = {},
) {
  const env = validateEnv(CoreEnv, {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ...extra,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(env), RedisModule, QueueModule.forRoot()],
    providers: withGuard ? [QueueWorkerGuard] : [],
  }).compile();
  return moduleRef.createNestApplication({ logger: false });
}

describe('QueueModule', () => {
  const keys = testRedisPrefix();
  afterAll(() => keys.cleanup());

  it('stores jobs under <REDIS_KEY_PREFIX>bull with the default retry policy, and reports queue depth', async () => {
    const app = await bootQueues(TEST_REDIS_URL, keys.prefix);
    await app.init();
    const raw = new Redis(TEST_REDIS_URL);
    try {
      const queue = app.get<Queue>(getQueueToken(QueueName.Syndication));
      const job = await queue.add('probe', { listingId: 'l-1' }, { jobId: 'probe:l-1', delay: 60_000 });
      expect(job.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
      expect(await raw.exists(`${keys.prefix}bull:syndication:probe:l-1`)).toBe(1);

      // The same deterministic id does not enqueue twice.
      await queue.add('probe', { listingId: 'l-1' }, { jobId: 'probe:l-1', delay: 60_000 });
      expect(await queue.getDelayedCount()).toBe(1);

      const metrics = await register.getSingleMetricAsString('bull_queue_jobs');
      expect(metrics).toContain('bull_queue_jobs{queue="syndication",state="delayed"} 1');
      expect(metrics).toContain('bull_queue_jobs{queue="maintenance",state="waiting"} 0');
    } finally {
      raw.disconnect();
      await app.close();
    }
  });

  it('takes the lock duration and stalled-job interval from the environment (validated)', async () => {
    const app = await bootQueues(TEST_REDIS_URL, keys.prefix, false, {
      QUEUE_LOCK_DURATION_MS: '1500',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    });
    await app.init();
    try {
      const queue = app.get<Queue & { settings: Record<string, number> }>(
        getQueueToken(QueueName.Maintenance),
      );
      expect(queue.settings).toMatchObject({ lockDuration: 1500, lockRenewTime: 750, stalledInterval: 1000 });
    } finally {
      await app.close();
    }
    expect(() => validateEnv(CoreEnv, { QUEUE_LOCK_DURATION_MS: '10' })).toThrow(/QUEUE_LOCK_DURATION_MS/);
  });

  it('lets a worker start only on a Redis that never evicts keys', async () => {
    const evicting = await startPrivateRedis(['--maxmemory-policy', 'volatile-lru']);
    try {
      const app = await bootQueues(evicting.url, 'w:', true);
      await expect(app.init()).rejects.toThrow(/maxmemory-policy is "volatile-lru"/);
      await app.close();
    } finally {
      await evicting.dispose();
    }
  });
});
