/* eslint-disable no-console -- a command-line tool */
import { Client } from 'pg';
import { migrationDataSource } from './data-source';
import { ensureServiceRoles, SERVICE_GROUPS, type LoginRole, type ServiceLogins } from './roles';

/**
 * Database command line, run as the owner (DATABASE_MIGRATION_URL):
 *   provision  create the database if missing, the group roles (ppt_app, ppt_jobs, ppt_portal_app)
 *              and a login role per kind of process: api-server's from DATABASE_URL, its worker's
 *              from WORKER_DATABASE_URL (unset: ppt_api_worker/ppt_api_worker), reality-server's from
 *              REALITY_DATABASE_URL (unset: ppt_portal/ppt_portal, as reality-server's default)
 *   up         run pending migrations          down    revert the last migration
 *   status     list applied and pending migrations
 */
async function main(command: string | undefined): Promise<void> {
  const ownerUrl = required('DATABASE_MIGRATION_URL');
  switch (command) {
    case 'provision':
      return provision(ownerUrl, {
        api: loginOf(required('DATABASE_URL')),
        worker: loginOf(process.env.WORKER_DATABASE_URL, DEFAULT_LOGINS.worker),
        portal: loginOf(process.env.REALITY_DATABASE_URL, DEFAULT_LOGINS.portal),
      });
    case 'up':
      return withDataSource(ownerUrl, async (ds) => {
        const ran = await ds.runMigrations({ transaction: 'each' });
        console.log(ran.length ? `Applied: ${ran.map((m) => m.name).join(', ')}` : 'No pending migrations');
      });
    case 'down':
      return withDataSource(ownerUrl, async (ds) => {
        await ds.undoLastMigration({ transaction: 'each' });
        console.log('Reverted the last migration');
      });
    case 'status':
      return withDataSource(ownerUrl, async (ds) => {
        const applied = new Set(
          ((await ds.query('SELECT name FROM typeorm_migrations').catch(() => [])) as { name: string }[]).map(
            (r) => r.name,
          ),
        );
        for (const m of ds.migrations) console.log(`${applied.has(m.name ?? '') ? '[x]' : '[ ]'} ${m.name}`);
      });
    default:
      throw new Error('usage: cli.ts provision|up|down|status');
  }
}

/** The login roles provision creates when their URL is unset (the quick-start defaults). */
const DEFAULT_LOGINS = {
  worker: { user: 'ppt_api_worker', password: 'ppt_api_worker' },
  portal: { user: 'ppt_portal', password: 'ppt_portal' },
};

async function provision(ownerUrl: string, logins: ServiceLogins): Promise<void> {
  const target = new URL(ownerUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(ownerUrl);
  maintenance.pathname = '/postgres';
  const admin = new Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      console.log(`Created database ${database}`);
    }
    await ensureServiceRoles(admin, logins);
    console.log(
      `Roles ready: ${SERVICE_GROUPS.api} (${logins.api.user}), ` +
        `${SERVICE_GROUPS.api} + ${SERVICE_GROUPS.jobs} (${logins.worker.user}), ` +
        `${SERVICE_GROUPS.portal} (${logins.portal.user})`,
    );
  } finally {
    await admin.end();
  }
}

function loginOf(url: string | undefined, fallback?: LoginRole): LoginRole {
  if (!url) {
    if (!fallback) throw new Error('a database URL is required');
    return fallback;
  }
  const u = new URL(url);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

async function withDataSource(
  url: string,
  run: (ds: ReturnType<typeof migrationDataSource>) => Promise<void>,
) {
  const ds = await migrationDataSource(url).initialize();
  try {
    await run(ds);
  } finally {
    await ds.destroy();
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see .env.example)`);
  return value;
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`db: ${(err as Error).message}`);
  process.exit(1);
});
