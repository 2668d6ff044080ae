import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { PeopleCoreModule } from '@ppt/api-property-core';
import { BallotsRepository } from './ballots.repository';
import { BallotsService } from './ballots.service';
import { DelegationsService } from './delegations.service';
import { VoteAccess } from './vote-access';
import { VoteClosing } from './vote-closing';
import { VotesCloseDue } from './votes-close-due';
import { VotesRepository } from './votes.repository';
import { VotesService } from './votes.service';

@Module({
  imports: [PeopleCoreModule, EventsModule],
  providers: [
    VotesRepository,
    BallotsRepository,
    VoteAccess,
    VoteClosing,
    VotesService,
    BallotsService,
    DelegationsService,
    VotesCloseDue,
  ],
  exports: [VoteAccess, VoteClosing, VotesService, BallotsService, DelegationsService, VotesCloseDue],
})
export class VotesCoreModule {}
