import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { ChargeOverdue } from '../charge-overdue';

/** Every day at 02:30 UTC (after the lease pass). */
export const FINANCE_OVERDUE_CRON = '30 2 * * *';

@Processor(QueueName.Maintenance)
export class ChargeOverdueProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly overdue: ChargeOverdue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MaintenanceJob.FinanceOverdue, FINANCE_OVERDUE_CRON);
  }

  @Process(MaintenanceJob.FinanceOverdue)
  handle(): Promise<{ overdue: number; notified: number; failed: number }> {
    return this.overdue.run(new Date());
  }
}
