import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseSettings {
  url: string;
  applicationName: string;
  poolMax?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

type EntityList = NonNullable<DataSourceOptions['entities']>;
type MigrationList = NonNullable<DataSourceOptions['migrations']>;

/**
 * The one definition of how we talk to PostgreSQL, shared by the apps, the migration CLI and tests.
 * Never `synchronize`: the schema changes only through reviewed migrations.
 */
export function buildDataSourceOptions(
  settings: DatabaseSettings,
  parts: { entities?: EntityList; migrations?: MigrationList } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: settings.applicationName,
    namingStrategy: new SnakeNamingStrategy(),
    entities: parts.entities ?? [],
    migrations: parts.migrations ?? [],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: settings.poolMax ?? 10,
    connectTimeoutMS: settings.connectTimeoutMs ?? 5000,
    extra: {
      idleTimeoutMillis: 30000,
      statement_timeout: settings.statementTimeoutMs ?? 15000,
    },
    logging: ['error', 'warn', 'migration'],
  };
}
