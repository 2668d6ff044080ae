import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { PeopleModule } from '../people/people.module';
import { BallotsController } from './ballots.controller';
import { BallotsRepository } from './ballots.repository';
import { BallotsService } from './ballots.service';
import { DelegationsService } from './delegations.service';
import { VoteAccess } from './vote-access';
import { VoteClosing } from './vote-closing';
import { VotesController } from './votes.controller';
import { VotesRepository } from './votes.repository';
import { VotesService } from './votes.service';

@Module({
  imports: [PeopleModule, EventsModule],
  controllers: [VotesController, BallotsController],
  providers: [
    VotesRepository,
    BallotsRepository,
    VoteAccess,
    VoteClosing,
    VotesService,
    BallotsService,
    DelegationsService,
  ],
})
export class VotesModule {}
