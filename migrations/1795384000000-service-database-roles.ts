import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the portal's processes do to each table of its schema (see apps/reality-server/src/modules). */
const PORTAL_GRANTS: [table: string, privileges: string][] = [
  // The worker upserts the read model (INSERT … ON CONFLICT DO UPDATE); visitors only search it.
  ['listings', 'SELECT, INSERT, UPDATE'],
  ['favorites', 'SELECT, INSERT, DELETE'],
  ['saved_searches', 'SELECT, INSERT, DELETE'],
  // The worker records delivery attempts; inquiries are never deleted by the portal.
  ['inquiries', 'SELECT, INSERT, UPDATE'],
];

const RLS_FUNCTIONS = 'app_current_org(), app_current_user(), app_platform_scope()';

/**
 * Each service gets its own database role (issue #15, item 6).
 *
 * `ppt_portal_app` (NOLOGIN group of reality-server's login role) may use schema `portal` only, with
 * the privileges its code needs per table; in `public` it holds no privilege on any table, sequence or
 * RLS function, only USAGE on the schema to call the `unaccent` extension's function that search uses.
 * `ppt_app` (api-server and its worker) loses schema `portal`: nothing in api-server reads or writes it
 * (the portal worker fills the read model from listing events).
 *
 * PUBLIC loses what every role would otherwise get: CREATE and USAGE on schema `public` (PostgreSQL
 * before 15 grants CREATE to everyone) and EXECUTE on the RLS helper functions.
 *
 * Row-level security on organizations and memberships is split per command. The single FOR ALL
 * policies let a user-scoped transaction (no organisation set) delete its memberships in every
 * organisation, and any member's transaction delete its organisation. Now a user may read their
 * memberships and organisations everywhere but write only within the organisation the transaction
 * acts in, and organisations cannot be deleted by the application at all (there is no such feature;
 * deleting a tenant is an operator's job as the owner).
 */
export class ServiceDatabaseRoles1795384000000 implements MigrationInterface {
  name = 'ServiceDatabaseRoles1795384000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ppt_portal_app') THEN
          CREATE ROLE ppt_portal_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);

    await q.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ppt_portal_app`);
    await q.query(`REVOKE EXECUTE ON FUNCTION ${RLS_FUNCTIONS} FROM PUBLIC`);

    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA portal FROM ppt_app`);
    await q.query(`REVOKE USAGE ON SCHEMA portal FROM ppt_app`);
    await q.query(`GRANT USAGE ON SCHEMA portal TO ppt_portal_app`);
    for (const [table, privileges] of PORTAL_GRANTS) {
      await q.query(`GRANT ${privileges} ON portal.${table} TO ppt_portal_app`);
    }

    await q.query(`REVOKE DELETE ON organizations FROM ppt_app`);
    await q.query(`DROP POLICY organizations_isolation ON organizations`);
    await q.query(`
      CREATE POLICY organizations_read ON organizations FOR SELECT
        USING (id = app_current_org()
               OR id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = app_current_user()))`);
    await q.query(`
      CREATE POLICY organizations_create ON organizations FOR INSERT WITH CHECK (id = app_current_org())`);
    await q.query(`
      CREATE POLICY organizations_update ON organizations FOR UPDATE
        USING (id = app_current_org()) WITH CHECK (id = app_current_org())`);

    await q.query(`DROP POLICY memberships_isolation ON memberships`);
    await q.query(`
      CREATE POLICY memberships_read ON memberships FOR SELECT
        USING (organization_id = app_current_org() OR user_id = app_current_user())`);
    await q.query(`
      CREATE POLICY memberships_create ON memberships FOR INSERT
        WITH CHECK (organization_id = app_current_org())`);
    await q.query(`
      CREATE POLICY memberships_update ON memberships FOR UPDATE
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`
      CREATE POLICY memberships_delete ON memberships FOR DELETE
        USING (organization_id = app_current_org())`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policy of ['read', 'create', 'update', 'delete']) {
      await q.query(`DROP POLICY memberships_${policy} ON memberships`);
    }
    await q.query(`
      CREATE POLICY memberships_isolation ON memberships
        USING (organization_id = app_current_org() OR user_id = app_current_user())
        WITH CHECK (organization_id = app_current_org())`);
    for (const policy of ['read', 'create', 'update']) {
      await q.query(`DROP POLICY organizations_${policy} ON organizations`);
    }
    await q.query(`
      CREATE POLICY organizations_isolation ON organizations
        USING (id = app_current_org()
               OR id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = app_current_user()))
        WITH CHECK (id = app_current_org())`);
    await q.query(`GRANT DELETE ON organizations TO ppt_app`);

    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA portal FROM ppt_portal_app`);
    await q.query(`REVOKE USAGE ON SCHEMA portal FROM ppt_portal_app`);
    await q.query(`GRANT USAGE ON SCHEMA portal TO ppt_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA portal TO ppt_app`);

    await q.query(`GRANT EXECUTE ON FUNCTION ${RLS_FUNCTIONS} TO PUBLIC`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ppt_portal_app`);
    await q.query(`GRANT USAGE ON SCHEMA public TO PUBLIC`);
    // The group role stays: roles are shared by every database of the cluster.
  }
}
