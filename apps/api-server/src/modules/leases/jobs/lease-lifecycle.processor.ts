import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { LeaseLifecycle } from '../lease-lifecycle';

/** Every day at 02:00 UTC. */
export const LEASE_LIFECYCLE_CRON = '0 2 * * *';

@Processor(QueueName.Maintenance)
export class LeaseLifecycleProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(LeaseLifecycleProcessor.name);

  constructor(
    private readonly lifecycle: LeaseLifecycle,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.LeaseLifecycle,
      {},
      { repeat: { cron: LEASE_LIFECYCLE_CRON, tz: 'UTC' }, jobId: MaintenanceJob.LeaseLifecycle },
    );
    this.logger.log(`Scheduled ${MaintenanceJob.LeaseLifecycle} (${LEASE_LIFECYCLE_CRON} UTC)`);
  }

  @Process(MaintenanceJob.LeaseLifecycle)
  handle(): Promise<{ endingSoon: number; expired: number }> {
    return this.lifecycle.run(new Date());
  }
}
