import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review fixes of the assistant's row-level security:
 * - a draft is its author's alone (it is written from data the author may see, say a lease the author
 *   manages): the organisation-wide policy on assistant_drafts becomes an owner policy, like
 *   conversations';
 * - the 'secrets-reseal' policies on assistant_settings applied to every role, so api-server's own
 *   role could set the scope and read every organisation's sealed key: they now apply only to the
 *   role that runs the migrations, the one the admin CLI's reseal-secrets connects as
 *   (DATABASE_MIGRATION_URL).
 */
export class AssistantOwnerDrafts1795610000000 implements MigrationInterface {
  name = 'AssistantOwnerDrafts1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY assistant_drafts_isolation ON assistant_drafts`);
    await q.query(`
      CREATE POLICY assistant_drafts_owner ON assistant_drafts
        USING (organization_id = app_current_org() AND created_by_user_id = app_current_user())
        WITH CHECK (organization_id = app_current_org() AND created_by_user_id = app_current_user())`);

    await q.query(`DROP POLICY assistant_settings_reseal_read ON assistant_settings`);
    await q.query(`DROP POLICY assistant_settings_reseal_update ON assistant_settings`);
    await q.query(`
      CREATE POLICY assistant_settings_reseal_read ON assistant_settings FOR SELECT TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY assistant_settings_reseal_update ON assistant_settings FOR UPDATE TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY assistant_settings_reseal_update ON assistant_settings`);
    await q.query(`DROP POLICY assistant_settings_reseal_read ON assistant_settings`);
    await q.query(`
      CREATE POLICY assistant_settings_reseal_read ON assistant_settings FOR SELECT
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY assistant_settings_reseal_update ON assistant_settings FOR UPDATE
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`DROP POLICY assistant_drafts_owner ON assistant_drafts`);
    await q.query(`
      CREATE POLICY assistant_drafts_isolation ON assistant_drafts
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
  }
}
