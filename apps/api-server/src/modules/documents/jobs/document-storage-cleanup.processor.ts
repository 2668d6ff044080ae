import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { DocumentStorageCleanup, type CleanupTotals } from './storage-cleanup';

/** Every hour at :20 (away from the top of the hour, when the other schedules fire). */
export const DOCUMENT_STORAGE_CLEANUP_CRON = '20 * * * *';

@Processor(QueueName.Maintenance)
export class DocumentStorageCleanupProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(DocumentStorageCleanupProcessor.name);

  constructor(
    private readonly cleanup: DocumentStorageCleanup,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.DocumentStorageCleanup,
      {},
      {
        repeat: { cron: DOCUMENT_STORAGE_CLEANUP_CRON, tz: 'UTC' },
        jobId: MaintenanceJob.DocumentStorageCleanup,
      },
    );
    this.logger.log(
      `Scheduled ${MaintenanceJob.DocumentStorageCleanup} (${DOCUMENT_STORAGE_CLEANUP_CRON} UTC)`,
    );
  }

  @Process(MaintenanceJob.DocumentStorageCleanup)
  handle(): Promise<CleanupTotals> {
    return this.cleanup.run(new Date());
  }
}
