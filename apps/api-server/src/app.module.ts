import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@ppt/config';
import { DatabaseModule, DatabaseReadiness } from '@ppt/db';
import { HealthModule } from '@ppt/http';
import { LoggingModule, MetricsModule } from '@ppt/observability';
import { QueueModule } from '@ppt/queue';
import { RedisModule, RedisReadiness } from '@ppt/redis';
import type { ApiServerEnv } from './api-server.env';
import { QueueBoardModule } from './modules/queue-board/queue-board.module';

/** The PM API's HTTP process: controllers and producers; queue consumers live in WorkerModule. */
@Module({})
export class AppModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ service: 'api-server', level: env.LOG_LEVEL }),
        MetricsModule,
        DatabaseModule.forRoot({ applicationName: 'api-server' }),
        RedisModule,
        QueueModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, RedisReadiness], drainMs: env.SHUTDOWN_DRAIN_MS }),
        QueueBoardModule.register(env),
      ],
    };
  }
}
