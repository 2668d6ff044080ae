// The project's queue wrapper as the api worker runs it (tools/bench/queues.mjs starts it): telemetry
// started first (tracing on, default sampler, as apps/api-server/src/instrument.ts), QueueModule.forRoot()
// (traceBullJobs' processor wrapper, production Redis client factory, default job options, lock and
// stalled settings, JobRunRecorder when TRACE_STORE_DATABASE_URL is set) and a @Processor whose @Process
// does nothing. Reports completions and enqueue→complete latency over the window the parent marks (IPC).
import './instrument';
import { getQueueToken, Process, Processor } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { QueueModule, QueueName } from '@ppt/queue';
import { RedisModule } from '@ppt/redis';
import type { Queue } from 'bull';
import { BENCH_JOB, CONCURRENCY, measureCompletions } from './measure';

@Processor(QueueName.Maintenance)
class NoopProcessor {
  @Process({ name: BENCH_JOB, concurrency: CONCURRENCY })
  async run(): Promise<void> {
    // A no-op job: what is measured is the queue path around it.
  }
}

const env = validateEnv(CoreEnv, {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  REDIS_URL: process.env.REDIS_URL,
  REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
  TRACE_STORE_DATABASE_URL: process.env.TRACE_STORE_DATABASE_URL || undefined,
});

@Module({
  imports: [AppConfigModule.forRoot(env), RedisModule, QueueModule.forRoot()],
  providers: [NoopProcessor],
})
class BenchConsumerModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(BenchConsumerModule, { logger: ['error', 'warn'] });
  const queue = app.get<Queue>(getQueueToken(QueueName.Maintenance));
  await queue.isReady();
  measureCompletions(queue);
})();
