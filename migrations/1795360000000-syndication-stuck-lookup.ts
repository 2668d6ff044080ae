import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The nightly reconciliation queues again rows whose job was lost. Organisations that publish only to
 * our own portal have no `portal_targets` row (it is on by default), so they are found through their
 * in-flight rows: the 'syndication-reconcile' scope may read those, and nothing at rest.
 */
export class SyndicationStuckLookup1795360000000 implements MigrationInterface {
  name = 'SyndicationStuckLookup1795360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE POLICY listing_syndications_reconcile_stuck ON listing_syndications FOR SELECT
        USING (app_platform_scope() = 'syndication-reconcile' AND status IN ('pending', 'removing', 'syncing'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY listing_syndications_reconcile_stuck ON listing_syndications`);
  }
}
