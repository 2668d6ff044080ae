import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { DocumentStorageCleanup, type CleanupTotals } from './storage-cleanup';

/** Every hour at :20 (away from the top of the hour, when the other schedules fire). */
export const DOCUMENT_STORAGE_CLEANUP_CRON = '20 * * * *';

@Processor(QueueName.Maintenance)
export class DocumentStorageCleanupProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly cleanup: DocumentStorageCleanup,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(
      this.queue,
      MaintenanceJob.DocumentStorageCleanup,
      DOCUMENT_STORAGE_CLEANUP_CRON,
    );
  }

  @Process(MaintenanceJob.DocumentStorageCleanup)
  handle(): Promise<CleanupTotals> {
    return this.cleanup.run(new Date());
  }
}
