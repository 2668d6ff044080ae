import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 'secrets-reseal' policies on portal_targets (1795375000000) applied to every role, so api-server's
 * own role could set that scope in a transaction and read every organisation's portal targets. Like the
 * assistant's (1795610000000), they now apply only to the role that runs the migrations — the one the
 * admin CLI's reseal-secrets connects as.
 */
export class PortalTargetsResealOwner1795630000000 implements MigrationInterface {
  name = 'PortalTargetsResealOwner1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY portal_targets_reseal_read ON portal_targets`);
    await q.query(`DROP POLICY portal_targets_reseal_update ON portal_targets`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_read ON portal_targets FOR SELECT TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_update ON portal_targets FOR UPDATE TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY portal_targets_reseal_update ON portal_targets`);
    await q.query(`DROP POLICY portal_targets_reseal_read ON portal_targets`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_read ON portal_targets FOR SELECT
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_update ON portal_targets FOR UPDATE
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
  }
}
