import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idempotency_keys` are kept 7 days (review leftover: they never expired and the table only grew).
 * A client retries a creation for minutes or hours, through an outage at most days (Stripe keeps keys
 * 24 hours); older keys protect nothing. A daily maintenance job deletes them across organisations
 * through the 'idempotency-keys-expire' scope of the jobs role, whose policies let it see and delete
 * nothing younger (as webhook receipts, 1795357000000 / 1795390000000).
 */
export class IdempotencyKeyRetention1795572000000 implements MigrationInterface {
  name = 'IdempotencyKeyRetention1795572000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at)`);
    await q.query(`GRANT SELECT, DELETE ON idempotency_keys TO ppt_jobs`);
    for (const command of ['SELECT', 'DELETE']) {
      await q.query(`
        CREATE POLICY idempotency_keys_expire_${command.toLowerCase()} ON idempotency_keys FOR ${command} TO ppt_jobs
          USING (app_platform_scope() = 'idempotency-keys-expire' AND created_at < now() - interval '7 days')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY idempotency_keys_expire_delete ON idempotency_keys`);
    await q.query(`DROP POLICY idempotency_keys_expire_select ON idempotency_keys`);
    await q.query(`REVOKE ALL ON idempotency_keys FROM ppt_jobs`);
    await q.query(`DROP INDEX ix_idempotency_keys_created_at`);
  }
}
