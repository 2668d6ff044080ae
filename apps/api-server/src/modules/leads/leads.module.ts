import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { MailModule } from '../mail/mail.module';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersModule } from '../users/users.module';
import { LeadMailProcessor } from './lead-mail.processor';
import { LeadRouting } from './lead-routing';

/**
 * New inquiries reach the listing's realtor (in-app here, e-mail from the worker). The notification
 * providers are declared here rather than importing NotificationsModule, whose controller must not
 * come along into the worker (as in FinanceOverdueModule).
 */
@Module({
  imports: [EventsModule],
  providers: [NotificationsRepository, NotificationsService, LeadRouting],
  exports: [LeadRouting],
})
export class LeadsModule {}

/** The worker side: the realtor's e-mail about a new lead. */
@Module({
  imports: [MailModule, UsersModule],
  providers: [LeadMailProcessor],
})
export class LeadsWorkerModule {}
