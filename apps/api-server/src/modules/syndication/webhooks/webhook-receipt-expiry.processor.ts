import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { WebhookReceiptExpiry } from './webhook-receipt-expiry';

/** Every day at 02:45 UTC, with the other daily housekeeping. */
export const WEBHOOK_RECEIPTS_EXPIRE_CRON = '45 2 * * *';

@Processor(QueueName.Maintenance)
export class WebhookReceiptExpiryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookReceiptExpiryProcessor.name);

  constructor(
    private readonly expiry: WebhookReceiptExpiry,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.WebhookReceiptsExpire,
      {},
      {
        repeat: { cron: WEBHOOK_RECEIPTS_EXPIRE_CRON, tz: 'UTC' },
        jobId: MaintenanceJob.WebhookReceiptsExpire,
      },
    );
    this.logger.log(
      `Scheduled ${MaintenanceJob.WebhookReceiptsExpire} (${WEBHOOK_RECEIPTS_EXPIRE_CRON} UTC)`,
    );
  }

  @Process(MaintenanceJob.WebhookReceiptsExpire)
  handle(): Promise<{ deleted: number }> {
    return this.expiry.run();
  }
}
