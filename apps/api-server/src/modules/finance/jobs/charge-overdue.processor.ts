import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { ChargeOverdue } from '../charge-overdue';

/** Every day at 02:30 UTC (after the lease pass). */
export const FINANCE_OVERDUE_CRON = '30 2 * * *';

@Processor(QueueName.Maintenance)
export class ChargeOverdueProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChargeOverdueProcessor.name);

  constructor(
    private readonly overdue: ChargeOverdue,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Registered by the worker only, with a fixed id: however many workers start, one schedule exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      MaintenanceJob.FinanceOverdue,
      {},
      { repeat: { cron: FINANCE_OVERDUE_CRON, tz: 'UTC' }, jobId: MaintenanceJob.FinanceOverdue },
    );
    this.logger.log(`Scheduled ${MaintenanceJob.FinanceOverdue} (${FINANCE_OVERDUE_CRON} UTC)`);
  }

  @Process(MaintenanceJob.FinanceOverdue)
  handle(): Promise<{ overdue: number; notified: number }> {
    return this.overdue.run(new Date());
  }
}
