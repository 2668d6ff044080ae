import { Injectable } from '@nestjs/common';
import {
  Building,
  Person,
  Vote,
  VoteEligibleUnit,
  VoteOption,
  VoteQuestion,
  type VoteQuestionResult,
} from '@ppt/api-db';
import { randomUUID } from 'node:crypto';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListVotesQueryDto } from './dto/vote.dto';

const SORT_COLUMNS: Record<string, string> = {
  startAt: 'v.start_at',
  endAt: 'v.end_at',
  createdAt: 'v.created_at',
  title: 'v.title',
};

export interface QuestionRow {
  position: number;
  text: string;
  description: string;
  quorumNumerator: number;
  quorumDenominator: number;
  majority: VoteQuestion['majority'];
  options: { position: number; label: string; abstain: boolean }[];
}

/** Votes, their questions and options, and the eligibility snapshot (every method takes the organisation). */
@Injectable()
export class VotesRepository {
  /** `residentPersonIds` limits the list to what those people may see (see `residentFilter`). */
  list(
    m: EntityManager,
    organizationId: string,
    f: ListVotesQueryDto,
    residentPersonIds?: string[],
  ): Promise<[Vote[], number]> {
    const qb = m
      .createQueryBuilder(Vote, 'v')
      .where('v.organization_id = :organizationId', { organizationId });
    if (residentPersonIds) residentFilter(qb, residentPersonIds);
    if (f.status) qb.andWhere('v.status = :status', { status: f.status });
    if (f.kind) qb.andWhere('v.kind = :kind', { kind: f.kind });
    if (f.q) qb.andWhere('v.title ILIKE :q', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('v.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Vote | null> {
    return m.findOneBy(Vote, { organizationId, id });
  }

  /** Locks the vote row, which holds the head of the ballot chain: appends and closing go one at a time. */
  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Vote | null> {
    return m.findOne(Vote, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async isVisibleToResident(
    m: EntityManager,
    organizationId: string,
    id: string,
    personIds: string[],
  ): Promise<boolean> {
    const qb = m
      .createQueryBuilder(Vote, 'v')
      .where('v.organization_id = :organizationId AND v.id = :id', { organizationId, id });
    return residentFilter(qb, personIds).getExists();
  }

  create(m: EntityManager, organizationId: string, data: Partial<Vote>): Promise<Vote> {
    return m.save(m.create(Vote, { ...data, organizationId }));
  }

  /** Applies changes to the vote itself and bumps its version (event order for consumers). */
  async update(m: EntityManager, organizationId: string, id: string, changes: Partial<Vote>): Promise<void> {
    await m.update(Vote, { organizationId, id }, { ...changes, version: () => 'version + 1' });
  }

  /** A new chain head after an appended ballot; not a change of the vote, so no new version. */
  async advanceChain(
    m: EntityManager,
    organizationId: string,
    id: string,
    head: string,
    count: number,
  ): Promise<void> {
    await m.update(Vote, { organizationId, id }, { chainHead: head, ballotCount: count });
  }

  /** The people linked to a user account (a user may be linked to more than one). */
  async personIdsOfUser(m: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const rows = await m.find(Person, { select: { id: true }, where: { organizationId, userId } });
    return rows.map((p) => p.id);
  }

  async existingBuildingIds(m: EntityManager, organizationId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await m.find(Building, { select: { id: true }, where: { organizationId, id: In(ids) } });
    return new Set(rows.map((b) => b.id));
  }

  async insertQuestions(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    questions: QuestionRow[],
  ): Promise<void> {
    const withIds = questions.map((q) => ({ ...q, id: randomUUID() }));
    await m.insert(
      VoteQuestion,
      withIds.map(({ options: _o, ...q }) => ({ ...q, voteId, organizationId })),
    );
    await m.insert(
      VoteOption,
      withIds.flatMap((q) => q.options.map((o) => ({ ...o, questionId: q.id, organizationId }))),
    );
  }

  /** Drafts only: their questions have no ballots yet. Options go with them (cascade). */
  async deleteQuestions(m: EntityManager, organizationId: string, voteId: string): Promise<void> {
    await m.delete(VoteQuestion, { organizationId, voteId });
  }

  questions(m: EntityManager, organizationId: string, voteId: string): Promise<VoteQuestion[]> {
    return m.find(VoteQuestion, { where: { organizationId, voteId }, order: { position: 'ASC' } });
  }

  options(m: EntityManager, organizationId: string, questionIds: string[]): Promise<VoteOption[]> {
    if (questionIds.length === 0) return Promise.resolve([]);
    return m.find(VoteOption, {
      where: { organizationId, questionId: In(questionIds) },
      order: { questionId: 'ASC', position: 'ASC' },
    });
  }

  findQuestion(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    id: string,
  ): Promise<VoteQuestion | null> {
    return m.findOneBy(VoteQuestion, { organizationId, voteId, id });
  }

  findOption(
    m: EntityManager,
    organizationId: string,
    questionId: string,
    id: string,
  ): Promise<VoteOption | null> {
    return m.findOneBy(VoteOption, { organizationId, questionId, id });
  }

  async saveResult(
    m: EntityManager,
    organizationId: string,
    questionId: string,
    result: VoteQuestionResult,
  ): Promise<void> {
    // `as never`: TypeORM's update typing cannot express an arbitrary jsonb object.
    await m.update(VoteQuestion, { organizationId, id: questionId }, { result: result as never });
  }

  /**
   * Takes the snapshot on opening: every unit in scope with its owners today (none, for a unit whose
   * owner is not recorded) and its ownership share. Every unit counts in the eligible total: the quorum
   * base is all shares (Civil Code § 1206, § 1208), so an unrecorded owner lowers participation instead
   * of shrinking the base. A later sale or change of shares does not move the open vote.
   */
  async snapshotEligibleUnits(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    buildingIds: string[],
  ): Promise<VoteEligibleUnit[]> {
    await m.query(
      `INSERT INTO vote_eligible_units
              (organization_id, vote_id, unit_id, owner_person_ids, weight_numerator, weight_denominator)
       SELECT u.organization_id, $2, u.id,
              COALESCE(array_agg(DISTINCT o.person_id ORDER BY o.person_id) FILTER (WHERE o.person_id IS NOT NULL),
                       '{}'),
              u.ownership_share_numerator, u.ownership_share_denominator
         FROM units u
         LEFT JOIN unit_occupants o
                ON o.organization_id = u.organization_id AND o.unit_id = u.id AND o.relation = 'owner'
               AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)
        WHERE u.organization_id = $1
          AND (cardinality($3::uuid[]) = 0 OR u.building_id = ANY($3::uuid[]))
        GROUP BY u.organization_id, u.id`,
      [organizationId, voteId, buildingIds],
    );
    return this.eligibleUnits(m, organizationId, voteId);
  }

  eligibleUnits(m: EntityManager, organizationId: string, voteId: string): Promise<VoteEligibleUnit[]> {
    return m.find(VoteEligibleUnit, { where: { organizationId, voteId }, order: { unitId: 'ASC' } });
  }

  eligibleUnit(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    unitId: string,
  ): Promise<VoteEligibleUnit | null> {
    return m.findOneBy(VoteEligibleUnit, { organizationId, voteId, unitId });
  }

  /** Units of the snapshot that these people own, or that they vote for as proxies. */
  unitsOfPeople(
    m: EntityManager,
    organizationId: string,
    voteId: string,
    personIds: string[],
  ): Promise<VoteEligibleUnit[]> {
    if (personIds.length === 0) return Promise.resolve([]);
    return m
      .createQueryBuilder(VoteEligibleUnit, 'e')
      .where('e.organization_id = :organizationId AND e.vote_id = :voteId', { organizationId, voteId })
      .andWhere(
        `(e.owner_person_ids && CAST(:personIds AS uuid[]) OR EXISTS (
           SELECT 1 FROM vote_delegations d
            WHERE d.organization_id = e.organization_id AND d.vote_id = e.vote_id AND d.unit_id = e.unit_id
              AND d.revoked_at IS NULL AND d.proxy_person_id = ANY(CAST(:personIds AS uuid[]))))`,
        { personIds },
      )
      .orderBy('e.unit_id', 'ASC')
      .getMany();
  }
}

/**
 * What an owner or tenant sees: votes past the draft in which one of their people is an owner in the
 * snapshot, a proxy, or today owns a unit in the vote's scope.
 */
function residentFilter(qb: SelectQueryBuilder<Vote>, personIds: string[]): SelectQueryBuilder<Vote> {
  if (personIds.length === 0) return qb.andWhere('false');
  return qb.andWhere(`v.status <> 'draft'`).andWhere(
    `(EXISTS (SELECT 1 FROM vote_eligible_units e
               WHERE e.organization_id = v.organization_id AND e.vote_id = v.id
                 AND e.owner_person_ids && CAST(:personIds AS uuid[]))
      OR EXISTS (SELECT 1 FROM vote_delegations d
                  WHERE d.organization_id = v.organization_id AND d.vote_id = v.id
                    AND d.revoked_at IS NULL AND d.proxy_person_id = ANY(CAST(:personIds AS uuid[])))
      OR EXISTS (SELECT 1 FROM unit_occupants o
                   JOIN units u ON u.organization_id = o.organization_id AND u.id = o.unit_id
                  WHERE o.organization_id = v.organization_id AND o.relation = 'owner'
                    AND o.person_id = ANY(CAST(:personIds AS uuid[]))
                    AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)
                    AND (cardinality(v.building_ids) = 0 OR u.building_id = ANY(v.building_ids))))`,
    { personIds },
  );
}
