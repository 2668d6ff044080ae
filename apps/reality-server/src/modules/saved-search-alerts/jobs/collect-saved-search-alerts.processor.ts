import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { PortalAlertJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Queue } from 'bull';
import { SavedSearchAlertsService } from '../saved-search-alerts.service';

/** Every 10 minutes: "instant" alerts arrive within about that; daily ones once their day is over. */
export const SAVED_SEARCH_ALERTS_CRON = '*/10 * * * *';

@Processor(QueueName.PortalAlerts)
export class CollectSavedSearchAlertsProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly alerts: SavedSearchAlertsService,
    @InjectQueue(QueueName.PortalAlerts) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, PortalAlertJob.Collect, SAVED_SEARCH_ALERTS_CRON);
  }

  @Process(PortalAlertJob.Collect)
  collect(): Promise<{ searches: number; emails: number }> {
    return this.alerts.collect(new Date());
  }
}
