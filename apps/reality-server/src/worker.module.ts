import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@ppt/config';
import { DatabaseModule, DatabaseReadiness } from '@ppt/db';
import { HealthModule } from '@ppt/http';
import { LoggingModule, MetricsModule } from '@ppt/observability';
import { QueueModule, QueueWorkerGuard } from '@ppt/queue';
import { RedisModule, RedisReadiness } from '@ppt/redis';
import type { RealityServerEnv } from './reality-server.env';

/** The portal's worker: applies listing events to the read model (queue consumers only). */
@Module({})
export class WorkerModule {
  static register(env: RealityServerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ service: 'reality-worker', level: env.LOG_LEVEL }),
        MetricsModule,
        DatabaseModule.forRoot({ applicationName: 'reality-worker' }),
        RedisModule,
        QueueModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, RedisReadiness], drainMs: 0 }),
      ],
      providers: [QueueWorkerGuard],
    };
  }
}
