import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #17 item 6: the nightly reconciliation also compares our own Reality Portal, which is on for
 * an organisation without a `portal_targets` row. The 'syndication-reconcile' scope could read only
 * in-flight rows (1795360000000); it now also reads the organisation ids of our own portal's rows at
 * rest — for the worker's jobs role only, like every job scope (1795390000000). The operator's
 * `portal:rebuild` finds the organisations the same way.
 */
export class OwnPortalReconcile1795571000000 implements MigrationInterface {
  name = 'OwnPortalReconcile1795571000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE POLICY listing_syndications_reconcile_own_portal ON listing_syndications FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'syndication-reconcile' AND portal = 'reality-portal')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY listing_syndications_reconcile_own_portal ON listing_syndications`);
  }
}
