import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule, type CoreEnv } from '@ppt/config';
import { DatabaseModule, DatabaseReadiness, type DatabaseModuleOptions } from '@ppt/db';
import { HealthModule } from '@ppt/http';
import { LoggingModule, MetricsModule } from '@ppt/observability';
import { QueueModule, QueueWorkerGuard } from '@ppt/queue';
import { RedisModule, RedisReadiness } from '@ppt/redis';

export interface PlatformOptions {
  env: CoreEnv;
  /** Names the process in logs, traces and pg_stat_activity: api-server, api-worker, … */
  service: string;
  /** HTTP servers drain on SIGTERM; workers refuse to consume from an evicting Redis. */
  role: 'http' | 'worker';
  /** The database entities the process maps (PM_ENTITIES of @ppt/api-db, or PORTAL_ENTITIES of @ppt/portal-db). */
  entities: DatabaseModuleOptions['entities'];
  /** The one database schema the process's role may reach (the portal: `portal`). */
  confinedToSchema?: DatabaseModuleOptions['confinedToSchema'];
  /** The process runs the platform jobs (api-server's worker): see DatabaseModuleOptions. */
  runsPlatformJobs?: boolean;
}

/**
 * What every process of the platform runs on: validated config, JSON logs, metrics, PostgreSQL,
 * Redis, Bull queues and health probes. Apps add their feature modules on top.
 */
@Module({})
export class PlatformModule {
  static forRoot({
    env,
    service,
    role,
    entities,
    confinedToSchema,
    runsPlatformJobs,
  }: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ service, level: env.LOG_LEVEL }),
        MetricsModule,
        DatabaseModule.forRoot({ applicationName: service, entities, confinedToSchema, runsPlatformJobs }),
        RedisModule,
        QueueModule.forRoot(),
        HealthModule.forRoot({
          checks: [DatabaseReadiness, RedisReadiness],
          drainMs: role === 'http' ? env.SHUTDOWN_DRAIN_MS : 0,
        }),
      ],
      providers: role === 'worker' ? [QueueWorkerGuard] : [],
    };
  }
}
