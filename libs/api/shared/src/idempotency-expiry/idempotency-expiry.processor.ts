import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { IdempotencyExpiry } from './idempotency-expiry';

/** Every day at 02:50 UTC, with the other daily housekeeping. */
export const IDEMPOTENCY_KEYS_EXPIRE_CRON = '50 2 * * *';

@Processor(QueueName.Maintenance)
export class IdempotencyExpiryProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly expiry: IdempotencyExpiry,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MaintenanceJob.IdempotencyKeysExpire, IDEMPOTENCY_KEYS_EXPIRE_CRON);
  }

  @Process(MaintenanceJob.IdempotencyKeysExpire)
  handle(): Promise<{ deleted: number }> {
    return this.expiry.run();
  }
}
