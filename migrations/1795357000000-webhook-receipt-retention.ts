import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Portal webhook receipts (the idempotency record of each event id) are kept 30 days: portals retry
 * a delivery for hours, not weeks, so an older receipt protects nothing and the table would only grow.
 * A daily maintenance job deletes them across organisations through the 'webhook-receipts-expire'
 * scope, which can see and delete nothing younger than that.
 */
export class WebhookReceiptRetention1795357000000 implements MigrationInterface {
  name = 'WebhookReceiptRetention1795357000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_portal_webhook_receipts_received_at ON portal_webhook_receipts (received_at)`,
    );
    for (const command of ['SELECT', 'DELETE']) {
      await q.query(`
        CREATE POLICY portal_webhook_receipts_expire_${command.toLowerCase()} ON portal_webhook_receipts FOR ${command}
          USING (app_platform_scope() = 'webhook-receipts-expire' AND received_at < now() - interval '30 days')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY portal_webhook_receipts_expire_delete ON portal_webhook_receipts`);
    await q.query(`DROP POLICY portal_webhook_receipts_expire_select ON portal_webhook_receipts`);
    await q.query(`DROP INDEX ix_portal_webhook_receipts_received_at`);
  }
}
