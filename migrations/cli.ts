/* eslint-disable no-console -- a command-line tool */
import { Client } from 'pg';
import { migrationDataSource } from './data-source';
import { ensureServiceRoles, SERVICE_GROUPS, type LoginRole } from './roles';

/**
 * Database command line, run as the owner (DATABASE_MIGRATION_URL):
 *   provision  create the database if missing, each service's group role (ppt_app, ppt_portal_app)
 *              and its login role: api-server's from DATABASE_URL, reality-server's from
 *              REALITY_DATABASE_URL (unset: ppt_portal/ppt_portal, as reality-server's default)
 *   up         run pending migrations          down    revert the last migration
 *   status     list applied and pending migrations
 */
async function main(command: string | undefined): Promise<void> {
  const ownerUrl = required('DATABASE_MIGRATION_URL');
  switch (command) {
    case 'provision':
      return provision(ownerUrl, required('DATABASE_URL'), process.env.REALITY_DATABASE_URL);
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

async function provision(ownerUrl: string, apiUrl: string, portalUrl: string | undefined): Promise<void> {
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
    const api = loginOf(apiUrl);
    const portal = portalUrl ? loginOf(portalUrl) : { user: 'ppt_portal', password: 'ppt_portal' };
    await ensureServiceRoles(admin, { api, portal });
    console.log(
      `Roles ready: ${SERVICE_GROUPS.api} (${api.user}), ${SERVICE_GROUPS.portal} (${portal.user})`,
    );
  } finally {
    await admin.end();
  }
}

function loginOf(url: string): LoginRole {
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
