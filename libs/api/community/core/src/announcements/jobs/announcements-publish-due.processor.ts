import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { AnnouncementsPublishDue } from '../announcements-publish-due';

/**
 * Every minute: a notice scheduled for 9:00 reaches residents by 9:01 at the latest, and a pass with
 * nothing due is one indexed query (partial index ix_announcements_scheduled_publish).
 */
export const ANNOUNCEMENTS_PUBLISH_DUE_CRON = '* * * * *';

@Processor(QueueName.Maintenance)
export class AnnouncementsPublishDueProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly publishDue: AnnouncementsPublishDue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(
      this.queue,
      MaintenanceJob.AnnouncementsPublishDue,
      ANNOUNCEMENTS_PUBLISH_DUE_CRON,
    );
  }

  @Process(MaintenanceJob.AnnouncementsPublishDue)
  handle(): Promise<{ published: number; failed: number }> {
    return this.publishDue.run(new Date());
  }
}
