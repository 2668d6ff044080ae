import { Injectable } from '@nestjs/common';
import type { OrganizationScope } from '@ppt/db';
import type { Vote } from '@ppt/api-db';
import type { Tenant } from '@ppt/api-shared';
import { runsVotes } from './vote-rules';
import { voteNotFound } from './votes.errors';
import { VotesRepository } from './votes.repository';

/**
 * Which votes a caller sees: administrators and managers every vote; anyone else (owners, and
 * proxies of any role) only votes past the draft that concern one of the people linked to their
 * account. Everything else is 404, never a hint that the vote exists.
 */
@Injectable()
export class VoteAccess {
  constructor(private readonly votes: VotesRepository) {}

  personIds(scope: OrganizationScope, t: Tenant): Promise<string[]> {
    return this.votes.personIdsOfUser(scope, t.userId);
  }

  /** The vote and the caller's people; `lock` takes the vote row (the chain head) for the transaction. */
  async visible(
    scope: OrganizationScope,
    t: Tenant,
    id: string,
    lock = false,
  ): Promise<{ vote: Vote; personIds: string[] }> {
    const personIds = await this.personIds(scope, t);
    const vote = lock ? await this.votes.findForUpdate(scope, id) : await this.votes.findById(scope, id);
    if (!vote) throw voteNotFound();
    if (!runsVotes(t.role) && !(await this.votes.isVisibleToResident(scope, id, personIds))) {
      throw voteNotFound();
    }
    return { vote, personIds };
  }
}
