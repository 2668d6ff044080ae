import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { ChargeOverdue } from './charge-overdue';
import { ChargesRepository } from './charges.repository';
import { ChargeOverdueProcessor } from './jobs/charge-overdue.processor';

/**
 * Worker side of finance: the daily overdue job. No controllers (workers serve no API), so it provides
 * the notification writer itself instead of importing NotificationsModule.
 */
@Module({
  imports: [EventsModule],
  providers: [
    ChargesRepository,
    NotificationsRepository,
    NotificationsService,
    ChargeOverdue,
    ChargeOverdueProcessor,
  ],
  exports: [ChargeOverdue],
})
export class FinanceOverdueModule {}
