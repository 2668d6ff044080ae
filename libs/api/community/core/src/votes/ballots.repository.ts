import { Injectable } from '@nestjs/common';
import { VoteBallot, VoteDelegation, VoteParticipation } from '@ppt/api-db';
import type { PageQueryDto } from '@ppt/http';
import { In, IsNull, type EntityManager } from 'typeorm';

/** Not superseded by a later ballot. */
const CURRENT = `NOT EXISTS (SELECT 1 FROM vote_ballots s
  WHERE s.organization_id = b.organization_id AND s.supersedes_ballot_id = b.id)`;

/**
 * The ballot chain (append-only), participation and delegations of votes; every method takes the
 * organisation (RLS backs it up).
 */
@Injectable()
export class BallotsRepository {
  chain(m: EntityManager, organizationId: string, voteId: string): Promise<VoteBallot[]> {
    return m.find(VoteBallot, { where: { organizationId, voteId }, order: { sequence: 'ASC' } });
  }

  async append(m: EntityManager, organizationId: string, ballot: Partial<VoteBallot>): Promise<void> {
    await m.insert(VoteBallot, { ...ballot, organizationId });
  }

  /** The unit's ballot that counts now (open votes record the unit on the ballot). */
  currentOfUnit(
    m: EntityManager,
    organizationId: string,
    questionId: string,
    unitId: string,
  ): Promise<VoteBallot | null> {
    return m
      .createQueryBuilder(VoteBallot, 'b')
      .where('b.organization_id = :organizationId AND b.question_id = :questionId AND b.unit_id = :unitId', {
        organizationId,
        questionId,
        unitId,
      })
      .andWhere(CURRENT)
      .getOne();
  }

  /** Secret votes: the ballot that counts now whose receipt carries this change token. */
  currentByChangeToken(
    m: EntityManager,
    organizationId: string,
    questionId: string,
    changeTokenHash: string,
  ): Promise<VoteBallot | null> {
    return m
      .createQueryBuilder(VoteBallot, 'b')
      .where('b.organization_id = :organizationId AND b.question_id = :questionId', {
        organizationId,
        questionId,
      })
      .andWhere('b.change_token_hash = :changeTokenHash', { changeTokenHash })
      .andWhere(CURRENT)
      .getOne();
  }

  participation(
    m: EntityManager,
    organizationId: string,
    questionId: string,
    unitId: string,
  ): Promise<VoteParticipation | null> {
    return m.findOneBy(VoteParticipation, { organizationId, questionId, unitId });
  }

  /** Records who cast the unit's latest ballot on the question (one row per unit and question). */
  async recordParticipation(
    m: EntityManager,
    organizationId: string,
    row: Pick<VoteParticipation, 'voteId' | 'questionId' | 'unitId' | 'personId' | 'delegationId'>,
  ): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(VoteParticipation)
      .values({ ...row, organizationId })
      .orUpdate(['person_id', 'delegation_id'], ['organization_id', 'question_id', 'unit_id'])
      .updateEntity(false)
      .execute();
  }

  participationsOfUnits(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    unitIds: string[],
  ): Promise<VoteParticipation[]> {
    if (unitIds.length === 0) return Promise.resolve([]);
    return m.findBy(VoteParticipation, { organizationId, voteId, unitId: In(unitIds) });
  }

  /** How many units took part in each question of the vote. */
  async participationCounts(
    m: EntityManager,
    organizationId: string,
    voteId: string,
  ): Promise<{ questionId: string; units: number }[]> {
    const rows = (await m.query(
      `SELECT question_id AS "questionId", count(*)::int AS units FROM vote_participations
        WHERE organization_id = $1 AND vote_id = $2 GROUP BY question_id ORDER BY question_id`,
      [organizationId, voteId],
    )) as { questionId: string; units: number }[];
    return rows;
  }

  listParticipation(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    page: PageQueryDto,
  ): Promise<[VoteParticipation[], number]> {
    return m.findAndCount(VoteParticipation, {
      where: { organizationId, voteId },
      order: { unitId: 'ASC', questionId: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  activeDelegation(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    unitId: string,
  ): Promise<VoteDelegation | null> {
    return m.findOneBy(VoteDelegation, { organizationId, voteId, unitId, revokedAt: IsNull() });
  }

  activeDelegations(m: EntityManager, organizationId: string, voteId: string, unitIds: string[]) {
    if (unitIds.length === 0) return Promise.resolve([]);
    return m.findBy(VoteDelegation, { organizationId, voteId, unitId: In(unitIds), revokedAt: IsNull() });
  }

  findDelegation(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    id: string,
  ): Promise<VoteDelegation | null> {
    return m.findOneBy(VoteDelegation, { organizationId, voteId, id });
  }

  createDelegation(
    m: EntityManager,
    organizationId: string,
    data: Partial<VoteDelegation>,
  ): Promise<VoteDelegation> {
    return m.save(m.create(VoteDelegation, { ...data, organizationId }));
  }

  async revokeDelegation(m: EntityManager, organizationId: string, id: string, at: Date): Promise<void> {
    await m.update(VoteDelegation, { organizationId, id }, { revokedAt: at });
  }

  /** A proxy has voted through the delegation (on any question). */
  delegationUsed(m: EntityManager, organizationId: string, delegationId: string): Promise<boolean> {
    return m.existsBy(VoteParticipation, { organizationId, delegationId });
  }

  /** `personIds` limits the list to delegations those people gave or hold. */
  listDelegations(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    page: PageQueryDto,
    personIds?: string[],
  ): Promise<[VoteDelegation[], number]> {
    const qb = m
      .createQueryBuilder(VoteDelegation, 'd')
      .where('d.organization_id = :organizationId AND d.vote_id = :voteId', { organizationId, voteId });
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
