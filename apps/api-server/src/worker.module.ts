import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@ppt/config';
import { DatabaseModule, DatabaseReadiness } from '@ppt/db';
import { HealthModule } from '@ppt/http';
import { LoggingModule, MetricsModule } from '@ppt/observability';
import { QueueModule, QueueWorkerGuard } from '@ppt/queue';
import { RedisModule, RedisReadiness } from '@ppt/redis';
import type { ApiServerEnv } from './api-server.env';

/**
 * The PM API's worker process: queue consumers and repeatable jobs (none in HTTP pods, so N API
 * replicas never fire a schedule N times). Serves only health and metrics over HTTP.
 */
@Module({})
export class WorkerModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ service: 'api-worker', level: env.LOG_LEVEL }),
        MetricsModule,
        DatabaseModule.forRoot({ applicationName: 'api-worker' }),
        RedisModule,
        QueueModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, RedisReadiness], drainMs: 0 }),
      ],
      providers: [QueueWorkerGuard],
    };
  }
}
