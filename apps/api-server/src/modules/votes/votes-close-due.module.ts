import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditService } from '../audit/audit.service';
import { BallotsRepository } from './ballots.repository';
import { VotesCloseDueProcessor } from './jobs/votes-close-due.processor';
import { VoteClosing } from './vote-closing';
import { VotesCloseDue } from './votes-close-due';
import { VotesRepository } from './votes.repository';

/**
 * Worker side of votes: the every-minute job closing votes past their end. No controllers (workers serve
 * no API); the audit service is provided without its HTTP module.
 */
@Module({
  imports: [EventsModule],
  providers: [
    AuditLogRepository,
    AuditService,
    VotesRepository,
    BallotsRepository,
    VoteClosing,
    VotesCloseDue,
    VotesCloseDueProcessor,
  ],
  exports: [VotesCloseDue],
})
export class VotesCloseDueModule {}
