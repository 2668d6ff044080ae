import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily lease job must find which organisations have leases to look at. It reads leases across
 * organisations only through the explicit platform scope 'lease-lifecycle' (read-only); the work
 * itself then runs per organisation in the normal tenant scope.
 */
export class LeaseLifecycleScope1795324000000 implements MigrationInterface {
  name = 'LeaseLifecycleScope1795324000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE POLICY leases_lifecycle_read ON leases FOR SELECT
        USING (app_platform_scope() = 'lease-lifecycle')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY leases_lifecycle_read ON leases`);
  }
}
