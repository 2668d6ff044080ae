import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QueueName, SyndicationJob } from '@ppt/queue';
import type { Queue } from 'bull';
import { SyndicationReconciliation, type ReconciliationSummary } from './syndication-reconciliation';

/** Every night at 03:30 UTC: portals are quiet, and the daily maintenance jobs (02:xx) are done. */
export const SYNDICATION_RECONCILE_CRON = '30 3 * * *';

/**
 * On the `syndication` queue rather than `maintenance`: it is syndication's own work (its providers,
 * its portal calls), pausing the syndication queue during a portal incident pauses it too, and a long
 * full transfer never holds up the housekeeping jobs.
 */
@Processor(QueueName.Syndication)
export class SyndicationReconcileProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyndicationReconcileProcessor.name);

  constructor(
    private readonly reconciliation: SyndicationReconciliation,
    @InjectQueue(QueueName.Syndication) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      SyndicationJob.Reconcile,
      {},
      {
        repeat: { cron: SYNDICATION_RECONCILE_CRON, tz: 'UTC' },
        jobId: SyndicationJob.Reconcile,
        attempts: 1,
      },
    );
    this.logger.log(`Scheduled ${SyndicationJob.Reconcile} (${SYNDICATION_RECONCILE_CRON} UTC)`);
  }

  @Process(SyndicationJob.Reconcile)
  handle(): Promise<ReconciliationSummary> {
    return this.reconciliation.run();
  }
}
