import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditService } from '../audit/audit.service';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { ChargeOverdue } from './charge-overdue';
import { ChargesRepository } from './charges.repository';
import { ChargeOverdueProcessor } from './jobs/charge-overdue.processor';

/**
 * Worker side of finance: the daily overdue job. No controllers (workers serve no API), so it provides
 * the notification and audit writers itself instead of importing their HTTP modules.
 */
@Module({
  imports: [EventsModule],
  providers: [
    AuditLogRepository,
    AuditService,
    ChargesRepository,
    NotificationsRepository,
    NotificationsService,
    ChargeOverdue,
    ChargeOverdueProcessor,
  ],
  exports: [ChargeOverdue],
})
export class FinanceOverdueModule {}
