import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { IdempotencyModule, MailModule } from '@ppt/api-shared';
import { UsersModule } from '@ppt/api-identity-core';
import { LeadHandlingRepository } from './lead-handling.repository';
import { LeadHandlingService } from './lead-handling.service';
import { LeadReplyMailProcessor } from './lead-reply-mail.processor';

/** Replying to leads and marking them handled (the service only is exported). */
@Module({
  imports: [EventsModule, IdempotencyModule],
  providers: [LeadHandlingRepository, LeadHandlingService],
  exports: [LeadHandlingService],
})
export class LeadHandlingCoreModule {}

/** The worker side: the reply's e-mail to the inquirer and its hand-over to our portal. */
@Module({
  imports: [MailModule, UsersModule],
  providers: [LeadReplyMailProcessor],
})
export class LeadHandlingJobsModule {}
