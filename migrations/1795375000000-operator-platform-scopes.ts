import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two explicit platform scopes for operator work:
 * - 'platform-audit': platform administrators read security events that belong to no organisation
 *   (failed logins, operator sign-ins, Bull Board actions) — and only those; an organisation's trail
 *   stays readable in that organisation alone.
 * - 'secrets-reseal': the admin CLI's `reseal-secrets` re-encrypts sealed portal credentials under the
 *   current key across organisations; it may read and update portal_targets, nothing else.
 */
export class OperatorPlatformScopes1795375000000 implements MigrationInterface {
  name = 'OperatorPlatformScopes1795375000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE POLICY audit_log_platform_read ON audit_log FOR SELECT
        USING (organization_id IS NULL AND app_platform_scope() = 'platform-audit')`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_read ON portal_targets FOR SELECT
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY portal_targets_reseal_update ON portal_targets FOR UPDATE
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY portal_targets_reseal_update ON portal_targets`);
    await q.query(`DROP POLICY portal_targets_reseal_read ON portal_targets`);
    await q.query(`DROP POLICY audit_log_platform_read ON audit_log`);
  }
}
