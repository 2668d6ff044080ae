// The outbox relay as the api worker runs it (tools/bench/queues.mjs starts it): telemetry first,
// the worker's database role (DATABASE_URL), QueueModule.forRoot() and OutboxRelayModule.register()
// with the worker's options (poll interval, batch size).
import './instrument';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PM_ENTITIES } from '@ppt/api-db';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { DatabaseModule } from '@ppt/db';
import { OutboxRelayModule } from '@ppt/events';
import { QueueModule } from '@ppt/queue';
import { RedisModule } from '@ppt/redis';

const env = validateEnv(CoreEnv, {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
});

@Module({
  imports: [
    AppConfigModule.forRoot(env),
    DatabaseModule.forRoot({ applicationName: 'api-worker', entities: PM_ENTITIES, runsPlatformJobs: true }),
    RedisModule,
    QueueModule.forRoot(),
    OutboxRelayModule.register(),
  ],
})
class BenchRelayModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(BenchRelayModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  process.send?.('ready');
})();
