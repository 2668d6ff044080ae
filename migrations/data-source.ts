import { PM_ENTITIES } from '@ppt/api-db';
import { buildDataSourceOptions } from '@ppt/db';
import { PORTAL_ENTITIES } from '@ppt/portal-db';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migration-list';

/**
 * The DataSource migrations run with: the owner's connection (DATABASE_MIGRATION_URL), never the
 * restricted application role.
 */
export function migrationDataSource(url: string): DataSource {
  return new DataSource(
    buildDataSourceOptions(
      { url, applicationName: 'ppt-migrations', poolMax: 2, statementTimeoutMs: 0 },
      { entities: [...PM_ENTITIES, ...PORTAL_ENTITIES], migrations: MIGRATIONS },
    ),
  );
}
