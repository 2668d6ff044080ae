import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule } from '@ppt/config';
import { DatabaseModule, DatabaseReadiness } from '@ppt/db';
import { HealthModule } from '@ppt/http';
import { LoggingModule, MetricsModule } from '@ppt/observability';
import { QueueModule } from '@ppt/queue';
import { RedisModule, RedisReadiness } from '@ppt/redis';
import type { RealityServerEnv } from './reality-server.env';

/** The Reality Portal's HTTP process: public search and signed-in visitors (SSO through api-server). */
@Module({})
export class AppModule {
  static register(env: RealityServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ service: 'reality-server', level: env.LOG_LEVEL }),
        MetricsModule,
        DatabaseModule.forRoot({ applicationName: 'reality-server' }),
        RedisModule,
        QueueModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, RedisReadiness], drainMs: env.SHUTDOWN_DRAIN_MS }),
      ],
    };
  }
}
