import { Module } from '@nestjs/common';
import { VotesCoreModule } from '@ppt/api-community-core';
import { BallotsController } from './ballots.controller';
import { VotesController } from './votes.controller';

/** Votes's routes; the rules live in VotesCoreModule. */
@Module({ imports: [VotesCoreModule], controllers: [VotesController, BallotsController] })
export class VotesHttpModule {}
