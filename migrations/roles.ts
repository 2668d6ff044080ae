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
} as const;

/**
 * Creates both services' group roles and a login role in each, idempotently. Login roles are
 * restricted: not superuser, no BYPASSRLS, no CREATEDB/CREATEROLE, own nothing, and belong to exactly
 * their own service's group (a login shared by both services is refused: it would let the portal
 * reach the identity tables).
 */
export async function ensureServiceRoles(
  admin: Client,
  logins: { api: LoginRole; portal: LoginRole },
): Promise<void> {
  if (logins.api.user === logins.portal.user) {
    throw new Error(
      `api-server and reality-server must connect as different roles (both are "${logins.api.user}")`,
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
  await ensureLoginRole(admin, SERVICE_GROUPS.api, logins.api);
  await ensureLoginRole(admin, SERVICE_GROUPS.portal, logins.portal);
}

async function ensureLoginRole(admin: Client, group: string, login: LoginRole): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.user]);
  const ident = `"${login.user.replace(/"/g, '""')}"`;
  const password = `'${login.password.replace(/'/g, "''")}'`;
  if (exists.rowCount === 0) {
    await admin.query(
      `CREATE ROLE ${ident} LOGIN PASSWORD ${password} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
    );
  }
  await admin.query(`GRANT ${group} TO ${ident}`);
}
