import { Client } from 'pg';
import {
  databaseUrl,
  TEST_APP_ROLE,
  TEST_DATABASE_ADMIN_URL,
  TEST_PORTAL_ROLE,
  TEST_WORKER_ROLE,
  templateDatabaseName,
  uniqueSuffix,
} from './test-services';

export async function connectAdmin(): Promise<Client> {
  const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL at TEST_DATABASE_ADMIN_URL (${redact(TEST_DATABASE_ADMIN_URL)}): ${(err as Error).message}. ` +
        'Run the tests with `npm test`, which starts a local PostgreSQL when none is reachable.',
    );
  }
  return admin;
}

export interface TestDatabase {
  name: string;
  /** Connection as api-server's restricted role (what its HTTP pods use). */
  appUrl: string;
  /** Connection as api-server's worker's role (ppt_app and the platform jobs' role ppt_jobs). */
  workerUrl: string;
  /** Connection as reality-server's role (schema `portal` only; what the portal and its worker use). */
  portalUrl: string;
  /** Connection as the owner (migrations, fixtures that bypass the app). */
  ownerUrl: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: a clone of the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateDatabaseName();
  const name = `ppt_t_${uniqueSuffix()}`;
  const admin = await connectAdmin();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    appUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_APP_ROLE),
    workerUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_WORKER_ROLE),
    portalUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_PORTAL_ROLE),
    ownerUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name),
    drop: () => dropDatabase(name),
  };
}

/** An empty database (no migrations), for migration tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `ppt_e_${uniqueSuffix()}`;
  const admin = await connectAdmin();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    appUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_APP_ROLE),
    workerUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_WORKER_ROLE),
    portalUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name, TEST_PORTAL_ROLE),
    ownerUrl: databaseUrl(TEST_DATABASE_ADMIN_URL, name),
    drop: () => dropDatabase(name),
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = await connectAdmin();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
