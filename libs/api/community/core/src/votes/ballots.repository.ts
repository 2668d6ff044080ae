import { Injectable } from '@nestjs/common';
import { type OrganizationScope } from '@ppt/db';
import { VoteBallot, VoteDelegation, VoteParticipation } from '@ppt/api-db';
import type { PageQueryDto } from '@ppt/http';
import { In, IsNull } from 'typeorm';

/** Not superseded by a later ballot. */
const CURRENT = `NOT EXISTS (SELECT 1 FROM vote_ballots s
  WHERE s.organization_id = b.organization_id AND s.supersedes_ballot_id = b.id)`;

/**
 * The ballot chain (append-only), participation and delegations of votes; every method takes the
 * scope (RLS backs it up).
 */
@Injectable()
export class BallotsRepository {
  chain(scope: OrganizationScope, voteId: string): Promise<VoteBallot[]> {
    return scope.manager.find(VoteBallot, {
      where: { organizationId: scope.organizationId, voteId },
      order: { sequence: 'ASC' },
    });
  }

  async append(scope: OrganizationScope, ballot: Partial<VoteBallot>): Promise<void> {
    await scope.manager.insert(VoteBallot, { ...ballot, organizationId: scope.organizationId });
  }

  /** The unit's ballot that counts now (open votes record the unit on the ballot). */
  currentOfUnit(scope: OrganizationScope, questionId: string, unitId: string): Promise<VoteBallot | null> {
    return scope.manager
      .createQueryBuilder(VoteBallot, 'b')
      .where('b.organization_id = :organizationId AND b.question_id = :questionId AND b.unit_id = :unitId', {
        organizationId: scope.organizationId,
        questionId,
        unitId,
      })
      .andWhere(CURRENT)
      .getOne();
  }

  /** Secret votes: the ballot that counts now whose receipt carries this change token. */
  currentByChangeToken(
    scope: OrganizationScope,
    questionId: string,
    changeTokenHash: string,
  ): Promise<VoteBallot | null> {
    return scope.manager
      .createQueryBuilder(VoteBallot, 'b')
      .where('b.organization_id = :organizationId AND b.question_id = :questionId', {
        organizationId: scope.organizationId,
        questionId,
      })
      .andWhere('b.change_token_hash = :changeTokenHash', { changeTokenHash })
      .andWhere(CURRENT)
      .getOne();
  }

  participation(
    scope: OrganizationScope,
    questionId: string,
    unitId: string,
  ): Promise<VoteParticipation | null> {
    return scope.manager.findOneBy(VoteParticipation, {
      organizationId: scope.organizationId,
      questionId,
      unitId,
    });
  }

  /** Records who cast the unit's latest ballot on the question (one row per unit and question). */
  async recordParticipation(
    scope: OrganizationScope,
    row: Pick<VoteParticipation, 'voteId' | 'questionId' | 'unitId' | 'personId' | 'delegationId'>,
  ): Promise<void> {
    await scope.manager
      .createQueryBuilder()
      .insert()
      .into(VoteParticipation)
      .values({ ...row, organizationId: scope.organizationId })
      .orUpdate(['person_id', 'delegation_id'], ['organization_id', 'question_id', 'unit_id'])
      .updateEntity(false)
      .execute();
  }

  participationsOfUnits(
    scope: OrganizationScope,
    voteId: string,
    unitIds: string[],
  ): Promise<VoteParticipation[]> {
    if (unitIds.length === 0) return Promise.resolve([]);
    return scope.manager.findBy(VoteParticipation, {
      organizationId: scope.organizationId,
      voteId,
      unitId: In(unitIds),
    });
  }

  /** How many units took part in each question of the vote. */
  async participationCounts(
    scope: OrganizationScope,
    voteId: string,
  ): Promise<{ questionId: string; units: number }[]> {
    const rows = (await scope.manager.query(
      `SELECT question_id AS "questionId", count(*)::int AS units FROM vote_participations
        WHERE organization_id = $1 AND vote_id = $2 GROUP BY question_id ORDER BY question_id`,
      [scope.organizationId, voteId],
    )) as { questionId: string; units: number }[];
    return rows;
  }

  listParticipation(
    scope: OrganizationScope,
    voteId: string,
    page: PageQueryDto,
  ): Promise<[VoteParticipation[], number]> {
    return scope.manager.findAndCount(VoteParticipation, {
      where: { organizationId: scope.organizationId, voteId },
      order: { unitId: 'ASC', questionId: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  activeDelegation(scope: OrganizationScope, voteId: string, unitId: string): Promise<VoteDelegation | null> {
    return scope.manager.findOneBy(VoteDelegation, {
      organizationId: scope.organizationId,
      voteId,
      unitId,
      revokedAt: IsNull(),
    });
  }

  activeDelegations(scope: OrganizationScope, voteId: string, unitIds: string[]) {
    if (unitIds.length === 0) return Promise.resolve([]);
    return scope.manager.findBy(VoteDelegation, {
      organizationId: scope.organizationId,
      voteId,
      unitId: In(unitIds),
      revokedAt: IsNull(),
    });
  }

  findDelegation(scope: OrganizationScope, voteId: string, id: string): Promise<VoteDelegation | null> {
    return scope.manager.findOneBy(VoteDelegation, { organizationId: scope.organizationId, voteId, id });
  }

  createDelegation(scope: OrganizationScope, data: Partial<VoteDelegation>): Promise<VoteDelegation> {
    return scope.manager.save(
      scope.manager.create(VoteDelegation, { ...data, organizationId: scope.organizationId }),
    );
  }

  async revokeDelegation(scope: OrganizationScope, id: string, at: Date): Promise<void> {
    await scope.manager.update(
      VoteDelegation,
      { organizationId: scope.organizationId, id },
      { revokedAt: at },
    );
  }

  /** A proxy has voted through the delegation (on any question). */
  delegationUsed(scope: OrganizationScope, delegationId: string): Promise<boolean> {
    return scope.manager.existsBy(VoteParticipation, { organizationId: scope.organizationId, delegationId });
  }

  /** `personIds` limits the list to delegations those people gave or hold. */
  listDelegations(
    scope: OrganizationScope,
    voteId: string,
    page: PageQueryDto,
    personIds?: string[],
  ): Promise<[VoteDelegation[], number]> {
    const qb = scope.manager
      .createQueryBuilder(VoteDelegation, 'd')
      .where('d.organization_id = :organizationId AND d.vote_id = :voteId', {
        organizationId: scope.organizationId,
        voteId,
      });
    if (personIds) {
      qb.andWhere(
        '(d.grantor_person_id = ANY(CAST(:personIds AS uuid[])) OR d.proxy_person_id = ANY(CAST(:personIds AS uuid[])))',
        { personIds },
      );
    }
    return qb
      .orderBy('d.created_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(page.limit)
      .offset(page.offset)
      .getManyAndCount();
  }
}
