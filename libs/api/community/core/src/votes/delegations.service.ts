import { Injectable } from '@nestjs/common';
import type { VoteDelegation, VoteEligibleUnit } from '@ppt/api-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { PeopleService } from '@ppt/api-property-core';
import { BallotsRepository } from './ballots.repository';
import type { CreateDelegationDto, DelegationResponse } from './dto/ballot.dto';
import { VoteAccess } from './vote-access';
import { toDelegation } from './vote-responses';
import { runsVotes } from './vote-rules';
import { VoteError, VoteErrorCode } from './votes.errors';
import { VotesRepository } from './votes.repository';

/**
 * Proxies: an owner (or a manager recording a paper power of attorney) lets another person of the
 * organisation cast a unit's ballots in one open vote. One delegation per unit is in force at a time;
 * it can be revoked until the proxy has voted with it. Changes lock the vote, like ballots, so a
 * revocation and a proxy's ballot cannot cross.
 */
@Injectable()
export class DelegationsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly votes: VotesRepository,
    private readonly ballots: BallotsRepository,
    private readonly people: PeopleService,
    private readonly access: VoteAccess,
  ) {}

  delegate(
    t: Tenant,
    voteId: string,
    dto: CreateDelegationDto,
    meta: RequestMeta,
  ): Promise<DelegationResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const { vote, personIds } = await this.access.visible(tx, t, voteId, true);
        if (vote.status !== 'open') {
          throw new VoteError(
            VoteErrorCode.NotOpen,
            `The vote is ${vote.status}; delegations are made while it is open`,
          );
        }
        const unit = await this.votes.eligibleUnit(tx, voteId, dto.unitId);
        if (!unit)
          throw new VoteError(VoteErrorCode.UnitNotEligible, 'The unit does not take part in this vote');
        const grantorPersonId = grantorOf(t, personIds, unit, dto.grantorPersonId);
        if (!(await this.people.findById(tx, dto.proxyPersonId))) {
          throw new VoteError(VoteErrorCode.PersonNotFound, 'Proxy not found');
        }
        if (dto.proxyPersonId === grantorPersonId) {
          throw new VoteError(VoteErrorCode.ProxyIsGrantor, 'An owner cannot be their own proxy');
        }
        if (await this.ballots.activeDelegation(tx, voteId, dto.unitId)) {
          throw new VoteError(
            VoteErrorCode.UnitAlreadyDelegated,
            'The unit already has a proxy in this vote',
          );
        }
        const delegation = await this.ballots.createDelegation(tx, {
          voteId,
          unitId: dto.unitId,
          grantorPersonId,
          proxyPersonId: dto.proxyPersonId,
          createdByUserId: t.userId,
        });
        await this.record(tx, voteId, 'delegated', null, toDelegation(delegation));
        return toDelegation(delegation);
      },
      meta,
    );
  }

  /** Managers see every delegation; others those they gave or hold. */
  list(t: Tenant, voteId: string, page: PageQueryDto): Promise<Page<DelegationResponse>> {
    return this.tenant.run(t, async (tx) => {
      const { personIds } = await this.access.visible(tx, t, voteId);
      const [rows, total] = await this.ballots.listDelegations(
        tx,
        voteId,
        page,
        runsVotes(t.role) ? undefined : personIds,
      );
      return { items: rows.map(toDelegation), total, limit: page.limit, offset: page.offset };
    });
  }

  /** By the owner who gave it, or a manager; not once the proxy has voted with it. */
  revoke(t: Tenant, voteId: string, id: string, meta: RequestMeta): Promise<DelegationResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const { vote, personIds } = await this.access.visible(tx, t, voteId, true);
        const delegation = await this.ballots.findDelegation(tx, voteId, id);
        if (!delegation || !mayRead(t, personIds, delegation)) {
          throw new VoteError(VoteErrorCode.DelegationNotFound, 'Delegation not found');
        }
        if (!runsVotes(t.role) && !personIds.includes(delegation.grantorPersonId)) {
          throw new VoteError(
            VoteErrorCode.NotEntitled,
            'Only the owner who gave the delegation can revoke it',
          );
        }
        if (delegation.revokedAt) {
          throw new VoteError(VoteErrorCode.DelegationRevoked, 'The delegation is already revoked');
        }
        if (vote.status !== 'open') {
          throw new VoteError(
            VoteErrorCode.NotOpen,
            `The vote is ${vote.status}; delegations no longer change`,
          );
        }
        if (await this.ballots.delegationUsed(tx, id)) {
          throw new VoteError(
            VoteErrorCode.ProxyAlreadyVoted,
            'The proxy has already voted with this delegation',
          );
        }
        const revokedAt = new Date();
        await this.ballots.revokeDelegation(tx, id, revokedAt);
        const after = { ...delegation, revokedAt };
        await this.record(tx, voteId, 'delegation_revoked', toDelegation(delegation), toDelegation(after));
        return toDelegation(after);
      },
      meta,
    );
  }

  private record(
    tx: TenantTransaction,
    voteId: string,
    verb: 'delegated' | 'delegation_revoked',
    before: DelegationResponse | null,
    after: DelegationResponse,
  ): Promise<void> {
    return tx.auditChange({ type: 'vote', id: voteId, verb }, before, after);
  }
}

/**
 * Who delegates: a manager names the owner (from a paper power of attorney); an owner delegates as
 * themselves (naming which of their people when several own the unit).
 */
function grantorOf(
  t: Tenant,
  personIds: string[],
  unit: VoteEligibleUnit,
  named: string | undefined,
): string {
  if (runsVotes(t.role)) {
    if (!named || !unit.ownerPersonIds.includes(named)) {
      throw new VoteError(VoteErrorCode.GrantorNotOwner, 'Name an owner of the unit as grantorPersonId');
    }
    return named;
  }
  const own = unit.ownerPersonIds.filter((id) => personIds.includes(id) && (!named || id === named));
  if (own.length === 0) throw new VoteError(VoteErrorCode.NotEntitled, 'You do not own this unit');
  return own[0];
}

function mayRead(t: Tenant, personIds: string[], d: VoteDelegation): boolean {
  return runsVotes(t.role) || personIds.includes(d.grantorPersonId) || personIds.includes(d.proxyPersonId);
}
