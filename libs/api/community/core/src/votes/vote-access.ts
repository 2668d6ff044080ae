import { Injectable } from '@nestjs/common';
import type { Vote } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
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

  personIds(m: EntityManager, t: Tenant): Promise<string[]> {
    return this.votes.personIdsOfUser(m, t.organizationId, t.userId);
  }

  /** The vote and the caller's people; `lock` takes the vote row (the chain head) for the transaction. */
  async visible(
    m: EntityManager,
    t: Tenant,
    id: string,
    lock = false,
  ): Promise<{ vote: Vote; personIds: string[] }> {
    const personIds = await this.personIds(m, t);
    const vote = lock
      ? await this.votes.findForUpdate(m, t.organizationId, id)
      : await this.votes.findById(m, t.organizationId, id);
    if (!vote) throw voteNotFound();
    if (!runsVotes(t.role) && !(await this.votes.isVisibleToResident(m, t.organizationId, id, personIds))) {
      throw voteNotFound();
    }
    return { vote, personIds };
  }
}
