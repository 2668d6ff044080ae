import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { VotesCloseDue } from '../votes-close-due';

/**
 * Every minute: results follow the end of the voting period within a minute, and a pass with nothing
 * due is one indexed query (partial index ix_votes_open_end).
 */
export const VOTES_CLOSE_DUE_CRON = '* * * * *';

@Processor(QueueName.Maintenance)
export class VotesCloseDueProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly closeDue: VotesCloseDue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MaintenanceJob.VotesCloseDue, VOTES_CLOSE_DUE_CRON);
  }

  @Process(MaintenanceJob.VotesCloseDue)
  handle(): Promise<{ closed: number; failed: number }> {
    return this.closeDue.run(new Date());
  }
}
