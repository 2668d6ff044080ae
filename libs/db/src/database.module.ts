import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { CoreEnv } from '@ppt/config';
import { AppRoleCheck, CONFINED_TO_SCHEMA, RUNS_PLATFORM_JOBS } from './app-role.check';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseReadiness } from './database.readiness';
import { DatabaseMetrics, POOL_NAME } from './db-metrics';
import { TenantTransactions } from './tenant-transactions';

export interface DatabaseModuleOptions {
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /**
   * The entities this process maps: api-server's PM_ENTITIES (@ppt/api-db) or the portal's
   * PORTAL_ENTITIES (@ppt/portal-db). Named by the caller, so this plumbing knows neither.
   */
  entities: NonNullable<DataSourceOptions['entities']>;
  /** The one schema the process's role may touch: it refuses to boot as a role that reaches others. */
  confinedToSchema?: string;
  /** The process runs the cross-organisation platform jobs: its role must be a member of theirs. */
  runsPlatformJobs?: boolean;
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forRootAsync({
          inject: [CoreEnv],
          useFactory: (env: CoreEnv) => ({
            ...buildDataSourceOptions(
              {
                url: env.DATABASE_URL,
                applicationName: options.applicationName,
                poolMax: env.DB_POOL_MAX,
                connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
                statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
              },
              { entities: options.entities },
            ),
            retryAttempts: 5,
            retryDelay: 2000,
          }),
        }),
      ],
      providers: [
        DatabaseReadiness,
        AppRoleCheck,
        TenantTransactions,
        DatabaseMetrics,
        { provide: POOL_NAME, useValue: options.applicationName },
        ...(options.confinedToSchema
          ? [{ provide: CONFINED_TO_SCHEMA, useValue: options.confinedToSchema }]
          : []),
        { provide: RUNS_PLATFORM_JOBS, useValue: options.runsPlatformJobs ?? false },
      ],
      exports: [DatabaseReadiness, TenantTransactions],
    };
  }

  /**
   * The operator's explicit path (the admin CLI): connects as the role it is given (the database owner,
   * DATABASE_MIGRATION_URL), so there is no restricted-role check; work still goes through
   * TenantTransactions, which sets the organisation RLS applies to.
   */
  static forOperator(options: {
    url: string;
    applicationName: string;
    entities: NonNullable<DataSourceOptions['entities']>;
  }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(
          buildDataSourceOptions(
            { url: options.url, applicationName: options.applicationName },
            { entities: options.entities },
          ),
        ),
      ],
      providers: [TenantTransactions],
      exports: [TenantTransactions],
    };
  }
}
