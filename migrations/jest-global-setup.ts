import './jest-register-paths';
import {
  assertRedisReachable,
  connectAdmin,
  databaseUrl,
  TEST_APP_ROLE,
  TEST_DATABASE_ADMIN_URL,
  TEST_PORTAL_ROLE,
  TEST_WORKER_ROLE,
  templateDatabaseName,
  uniqueSuffix,
} from '@ppt/testing';
import { migrationDataSource } from './data-source';
import { ensureServiceRoles } from './roles';

const TEMPLATE_LOCK = 7_261_001;

/**
 * Jest globalSetup of every project that talks to PostgreSQL: make sure PostgreSQL and Redis answer,
 * then build the migrated template database each test file clones (CREATE DATABASE … TEMPLATE,
 * milliseconds), unless an identical one exists. The advisory lock keeps parallel Jest processes
 * from building it twice; building under a scratch name and renaming means a half-migrated
 * template is never used.
 */
export default async function globalSetup(): Promise<void> {
  await assertRedisReachable();
  const template = templateDatabaseName();
  const admin = await connectAdmin();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    await ensureServiceRoles(admin, {
      api: TEST_APP_ROLE,
      worker: TEST_WORKER_ROLE,
      portal: TEST_PORTAL_ROLE,
    });
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_b${uniqueSuffix()}`;
      await admin.query(`CREATE DATABASE ${building}`);
      const ds = await migrationDataSource(databaseUrl(TEST_DATABASE_ADMIN_URL, building)).initialize();
      try {
        await ds.runMigrations({ transaction: 'each' });
      } finally {
        await ds.destroy();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
      await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}
