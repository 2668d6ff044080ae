import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { AnnouncementsPublishDue } from '../announcements-publish-due';

/**
 * Every minute: a notice scheduled for 9:00 reaches residents by 9:01 at the latest, and a pass with
 * nothing due is one indexed query (partial index ix_announcements_scheduled_publish).
 */
export const ANNOUNCEMENTS_PUBLISH_DUE_CRON = '* * * * *';

@Processor(QueueName.Maintenance)
export class AnnouncementsPublishDueProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(AnnouncementsPublishDueProcessor.name);

  constructor(
    private readonly publishDue: AnnouncementsPublishDue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.AnnouncementsPublishDue,
      {},
      {
        repeat: { cron: ANNOUNCEMENTS_PUBLISH_DUE_CRON, tz: 'UTC' },
        jobId: MaintenanceJob.AnnouncementsPublishDue,
      },
    );
    this.logger.log(
      `Scheduled ${MaintenanceJob.AnnouncementsPublishDue} (${ANNOUNCEMENTS_PUBLISH_DUE_CRON} UTC)`,
    );
  }

  @Process(MaintenanceJob.AnnouncementsPublishDue)
  handle(): Promise<{ published: number; failed: number }> {
    return this.publishDue.run(new Date());
  }
}
