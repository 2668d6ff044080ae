import { Module } from '@nestjs/common';
import { VotesCloseDueProcessor } from './jobs/votes-close-due.processor';
import { VotesCoreModule } from './votes.core.module';

/** Worker side of votes: the every-minute job's consumer; the handler (VotesCloseDue) is in VotesCoreModule. */
@Module({
  imports: [VotesCoreModule],
  providers: [VotesCloseDueProcessor],
})
export class VotesCloseDueModule {}
