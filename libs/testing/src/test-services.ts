import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the tests find PostgreSQL (as an owner that may create databases and roles) and Redis. */
export const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The restricted login role api-server uses in tests (member of ppt_app, no BYPASSRLS). */
export const TEST_APP_ROLE = { user: 'ppt_api', password: 'ppt_api' } as const;

/** api-server's worker's login role in tests (member of ppt_app and ppt_jobs, the platform jobs' role). */
export const TEST_WORKER_ROLE = { user: 'ppt_api_worker', password: 'ppt_api_worker' } as const;

/** reality-server's login role in tests (member of ppt_portal_app: schema `portal` only). */
export const TEST_PORTAL_ROLE = { user: 'ppt_portal', password: 'ppt_portal' } as const;

export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** Template database name: changes whenever a migration file changes, so a stale template is never used. */
export function templateDatabaseName(): string {
  const dir = join(WORKSPACE_ROOT, 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort()) {
    hash.update(file).update(readFileSync(join(dir, file)));
  }
  return `ppt_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export function databaseUrl(
  base: string,
  database: string,
  credentials?: { user: string; password: string },
): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = credentials.user;
    url.password = credentials.password;
  }
  return url.toString();
}

export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}
