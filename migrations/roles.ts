import type { Client } from 'pg';

/**
 * Creates the NOLOGIN group role the migrations grant to and a login role that belongs to it, idempotently.
 * The login role is restricted: not superuser, no BYPASSRLS, owns nothing.
 */
export async function ensureAppRoles(
  admin: Client,
  login: { user: string; password: string },
): Promise<void> {
  await admin.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ppt_app') THEN
        CREATE ROLE ppt_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
    END $$`);
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.user]);
  const ident = `"${login.user.replace(/"/g, '""')}"`;
  const password = `'${login.password.replace(/'/g, "''")}'`;
  if (exists.rowCount === 0) {
    await admin.query(
      `CREATE ROLE ${ident} LOGIN PASSWORD ${password} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
    );
  }
  await admin.query(`GRANT ppt_app TO ${ident}`);
}
