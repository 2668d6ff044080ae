import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { WebhookReceiptExpiry } from './webhook-receipt-expiry';

/** Every day at 02:45 UTC, with the other daily housekeeping. */
export const WEBHOOK_RECEIPTS_EXPIRE_CRON = '45 2 * * *';

@Processor(QueueName.Maintenance)
export class WebhookReceiptExpiryProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly expiry: WebhookReceiptExpiry,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MaintenanceJob.WebhookReceiptsExpire, WEBHOOK_RECEIPTS_EXPIRE_CRON);
  }

  @Process(MaintenanceJob.WebhookReceiptsExpire)
  handle(): Promise<{ deleted: number }> {
    return this.expiry.run();
  }
}
