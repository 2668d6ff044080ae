import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the cross-organisation part of each platform job reads or writes (the per-organisation part
 * runs as an ordinary tenant transaction). Keep in step with the JOB_SCOPES in @ppt/db.
 */
const JOB_GRANTS: [table: string, privileges: string][] = [
  ['outbox', 'SELECT, UPDATE'], // outbox-relay: due events, marked published or rescheduled
  ['leases', 'SELECT'], // lease-lifecycle
  ['charges', 'SELECT'], // finance-overdue
  ['votes', 'SELECT'], // votes-close-due
  ['announcements', 'SELECT'], // announcements-publish-due
  ['documents', 'SELECT'], // document-storage-cleanup
  ['upload_sessions', 'SELECT'], // document-storage-cleanup
  ['portal_targets', 'SELECT'], // syndication-reconcile
  ['listing_syndications', 'SELECT'], // syndication-reconcile
  ['portal_webhook_receipts', 'SELECT, DELETE'], // webhook-receipts-expire
];

/** The policies that admit a worker-only platform scope, by table. */
const JOB_POLICIES: [policy: string, table: string][] = [
  ['leases_lifecycle_read', 'leases'],
  ['documents_storage_cleanup_read', 'documents'],
  ['upload_sessions_storage_cleanup_read', 'upload_sessions'],
  ['charges_overdue_read', 'charges'],
  ['votes_close_due_read', 'votes'],
  ['announcements_publish_due_read', 'announcements'],
  ['portal_webhook_receipts_expire_select', 'portal_webhook_receipts'],
  ['portal_webhook_receipts_expire_delete', 'portal_webhook_receipts'],
  ['listing_syndications_reconcile_stuck', 'listing_syndications'],
];

/**
 * Platform jobs get their own database role (issue #15, item 6).
 *
 * Until now a platform scope was a setting any transaction of api-server's role could make: an
 * injected statement in an HTTP pod could set `app.platform_scope = 'outbox-relay'` and read every
 * organisation's events. The scopes only the worker uses now admit only `ppt_jobs` (NOLOGIN): the
 * worker's login role is a member of it and of `ppt_app`, the HTTP pods' login role is not, so for
 * them the setting opens nothing. The job's transaction also switches to `ppt_jobs`
 * (`SET LOCAL ROLE`), which holds only the privileges listed above, so a cross-organisation
 * transaction can do no more than its job needs.
 *
 * Scopes that serve requests (invitation acceptance, inquiry delivery, listing photos, portal
 * webhooks, the operators' audit view, secret re-sealing) stay on their own narrow policies.
 */
export class PlatformJobsRole1795390000000 implements MigrationInterface {
  name = 'PlatformJobsRole1795390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ppt_jobs') THEN
          CREATE ROLE ppt_jobs NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ppt_jobs`);
    // Every policy on a table is evaluated, so the tenant policies' functions must be callable too.
    await q.query(
      `GRANT EXECUTE ON FUNCTION app_current_org(), app_current_user(), app_platform_scope() TO ppt_jobs`,
    );
    for (const [table, privileges] of JOB_GRANTS) {
      await q.query(`GRANT ${privileges} ON ${table} TO ppt_jobs`);
    }

    for (const [policy, table] of JOB_POLICIES) {
      await q.query(`ALTER POLICY ${policy} ON ${table} TO ppt_jobs`);
    }
    // One policy served both a request path (portal webhooks) and a job (reconciliation): split it.
    await q.query(`
      ALTER POLICY portal_targets_webhook_lookup ON portal_targets
        USING (app_platform_scope() = 'portal-webhook')`);
    await q.query(`
      CREATE POLICY portal_targets_reconcile_read ON portal_targets FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'syndication-reconcile')`);
    // The outbox's single policy let any transaction that set the relay's scope read and write every
    // organisation's events: the tenant part stays for everyone, the relay part is per command.
    await q.query(`DROP POLICY outbox_isolation ON outbox`);
    await q.query(`
      CREATE POLICY outbox_tenant ON outbox
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`
      CREATE POLICY outbox_relay_read ON outbox FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'outbox-relay')`);
    await q.query(`
      CREATE POLICY outbox_relay_update ON outbox FOR UPDATE TO ppt_jobs
        USING (app_platform_scope() = 'outbox-relay') WITH CHECK (app_platform_scope() = 'outbox-relay')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY outbox_relay_update ON outbox`);
    await q.query(`DROP POLICY outbox_relay_read ON outbox`);
    await q.query(`DROP POLICY outbox_tenant ON outbox`);
    await q.query(`
      CREATE POLICY outbox_isolation ON outbox
        USING (organization_id = app_current_org() OR app_platform_scope() = 'outbox-relay')
        WITH CHECK (organization_id = app_current_org() OR app_platform_scope() = 'outbox-relay')`);
    await q.query(`DROP POLICY portal_targets_reconcile_read ON portal_targets`);
    await q.query(`
      ALTER POLICY portal_targets_webhook_lookup ON portal_targets
        USING (app_platform_scope() IN ('portal-webhook', 'syndication-reconcile'))`);
    for (const [policy, table] of JOB_POLICIES) {
      await q.query(`ALTER POLICY ${policy} ON ${table} TO PUBLIC`);
    }
    for (const [table] of JOB_GRANTS) {
      await q.query(`REVOKE ALL ON ${table} FROM ppt_jobs`);
    }
    await q.query(
      `REVOKE EXECUTE ON FUNCTION app_current_org(), app_current_user(), app_platform_scope() FROM ppt_jobs`,
    );
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ppt_jobs`);
    // The role stays: roles are shared by every database of the cluster.
  }
}
