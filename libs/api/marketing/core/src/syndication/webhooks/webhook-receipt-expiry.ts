import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { PortalWebhooksRepository } from './portal-webhooks.repository';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

/** How long a portal webhook's event id is remembered (migration 1795357000000's policy allows no less). */
export const WEBHOOK_RECEIPT_RETENTION_DAYS = 30;

/**
 * Portals redeliver a webhook for hours, not weeks: a receipt older than the retention protects
 * nothing, so the daily pass deletes them across organisations through the 'webhook-receipts-expire'
 * scope, whose policies let it see and delete nothing younger.
 */
@Injectable()
export class WebhookReceiptExpiry {
  private readonly logger = new Logger(WebhookReceiptExpiry.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly receipts: PortalWebhooksRepository,
  ) {}

  /** Every day at 02:45 UTC, with the other daily housekeeping. */
  @Scheduled({
    job: MaintenanceJob.WebhookReceiptsExpire,
    cron: '45 2 * * *',
    scope: 'webhook-receipts-expire',
  })
  async run(): Promise<{ deleted: number }> {
    const deleted = await this.tenant.runPlatformJob((m) =>
      this.receipts.deleteReceiptsOlderThan(m, WEBHOOK_RECEIPT_RETENTION_DAYS),
    );
    this.logger.log(`Webhook receipts: ${deleted} older than ${WEBHOOK_RECEIPT_RETENTION_DAYS} days deleted`);
    return { deleted };
  }
}
