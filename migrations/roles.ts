import { PLATFORM_JOBS_ROLE } from '@ppt/db';
import type { Client } from 'pg';

/** A login role's name and password (from a postgres:// URL). */
export interface LoginRole {
  user: string;
  password: string;
}

/**
 * The NOLOGIN group roles the migrations grant to, one per service: what a service may touch is
 * decided by the migrations, never by who provisioned its login role.
 */
export const SERVICE_GROUPS = {
  /** api-server and its worker: schema `public`, under row-level security. */
  api: 'ppt_app',
  /** reality-server and its worker: schema `portal` only. */
  portal: 'ppt_portal_app',
  /** api-server's worker also runs the cross-organisation platform jobs, as this role. */
  jobs: PLATFORM_JOBS_ROLE,
} as const;

/** The login roles of the three kinds of process that connect to the database. */
export interface ServiceLogins {
  /** api-server's HTTP pods: ppt_app. */
  api: LoginRole;
  /** api-server's worker: ppt_app and the platform jobs' role. */
  worker: LoginRole;
  /** reality-server and its worker: ppt_portal_app. */
  portal: LoginRole;
}

/**
 * Creates the services' group roles and a login role for each kind of process, idempotently. Login
 * roles are restricted: not superuser, no BYPASSRLS, no CREATEDB/CREATEROLE, own nothing, and belong
 * to exactly their own groups. A login shared by two kinds of process is refused: shared with the
 * portal it would let the portal reach the identity tables; shared between api-server's HTTP pods and
 * its worker it would let a request path act as the platform jobs.
 */
export async function ensureServiceRoles(admin: Client, logins: ServiceLogins): Promise<void> {
  const users = [logins.api.user, logins.worker.user, logins.portal.user];
  const shared = users.find((user, i) => users.indexOf(user) !== i);
  if (shared) {
    throw new Error(
      `api-server, its worker and reality-server must connect as different roles ("${shared}" is used twice)`,
    );
  }
  for (const group of Object.values(SERVICE_GROUPS)) {
    await admin.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${group}') THEN
          CREATE ROLE ${group} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);
  }
  await ensureLoginRole(admin, [SERVICE_GROUPS.api], logins.api);
  await ensureLoginRole(admin, [SERVICE_GROUPS.api, SERVICE_GROUPS.jobs], logins.worker);
  await ensureLoginRole(admin, [SERVICE_GROUPS.portal], logins.portal);
}

async function ensureLoginRole(admin: Client, groups: string[], login: LoginRole): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.user]);
  const ident = `"${login.user.replace(/"/g, '""')}"`;
  const password = `'${login.password.replace(/'/g, "''")}'`;
  if (exists.rowCount === 0) {
    await admin.query(
      `CREATE ROLE ${ident} LOGIN PASSWORD ${password} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
    );
  }
  await admin.query(`GRANT ${groups.join(', ')} TO ${ident}`);
}
