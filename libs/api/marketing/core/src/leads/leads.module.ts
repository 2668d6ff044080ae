import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { MailModule } from '@ppt/api-shared';
import { NotificationsCoreModule } from '@ppt/api-community-core';
import { UsersModule } from '@ppt/api-identity-core';
import { LeadMailProcessor } from './lead-mail.processor';
import { LeadRouting } from './lead-routing';

/** New inquiries reach the listing's realtor (in-app here, e-mail from the worker). */
@Module({
  imports: [EventsModule, NotificationsCoreModule],
  providers: [LeadRouting],
  exports: [LeadRouting],
})
export class LeadsModule {}

/** The worker side: the realtor's e-mail about a new lead. */
@Module({
  imports: [MailModule, UsersModule],
  providers: [LeadMailProcessor],
})
export class LeadsWorkerModule {}
