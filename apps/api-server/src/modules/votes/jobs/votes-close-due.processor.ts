import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { VotesCloseDue } from '../votes-close-due';

/**
 * Every minute: results follow the end of the voting period within a minute, and a pass with nothing
 * due is one indexed query (partial index ix_votes_open_end).
 */
export const VOTES_CLOSE_DUE_CRON = '* * * * *';

@Processor(QueueName.Maintenance)
export class VotesCloseDueProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(VotesCloseDueProcessor.name);

  constructor(
    private readonly closeDue: VotesCloseDue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.VotesCloseDue,
      {},
      { repeat: { cron: VOTES_CLOSE_DUE_CRON, tz: 'UTC' }, jobId: MaintenanceJob.VotesCloseDue },
    );
    this.logger.log(`Scheduled ${MaintenanceJob.VotesCloseDue} (${VOTES_CLOSE_DUE_CRON} UTC)`);
  }

  @Process(MaintenanceJob.VotesCloseDue)
  handle(): Promise<{ closed: number; failed: number }> {
    return this.closeDue.run(new Date());
  }
}
