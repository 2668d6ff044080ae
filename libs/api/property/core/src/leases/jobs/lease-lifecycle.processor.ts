import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { LeaseLifecycle } from '../lease-lifecycle';

/** Every day at 02:00 UTC. */
export const LEASE_LIFECYCLE_CRON = '0 2 * * *';

@Processor(QueueName.Maintenance)
export class LeaseLifecycleProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly lifecycle: LeaseLifecycle,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MaintenanceJob.LeaseLifecycle, LEASE_LIFECYCLE_CRON);
  }

  @Process(MaintenanceJob.LeaseLifecycle)
  handle(): Promise<{ endingSoon: number; expired: number }> {
    return this.lifecycle.run(new Date());
  }
}
