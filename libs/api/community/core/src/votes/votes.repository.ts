import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
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
import { In, type SelectQueryBuilder } from 'typeorm';
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

/**
 * Votes, their questions and options, and the eligibility snapshot: findById, findForUpdate (which locks
 * the vote row, the head of the ballot chain: appends and closing go one at a time), create and update
 * (which raises the version: event order for consumers) come from TenantRepository; every method takes
 * the scope (RLS backs it up).
 */
@Injectable()
export class VotesRepository extends TenantRepository<Vote> {
  constructor() {
    super(Vote, { versioned: true });
  }

  /** `residentPersonIds` limits the list to what those people may see (see `residentFilter`). */
  list(
    scope: OrganizationScope,
    f: ListVotesQueryDto,
    residentPersonIds?: string[],
  ): Promise<[Vote[], number]> {
    const qb = scope.manager
      .createQueryBuilder(Vote, 'v')
      .where('v.organization_id = :organizationId', { organizationId: scope.organizationId });
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

  async isVisibleToResident(scope: OrganizationScope, id: string, personIds: string[]): Promise<boolean> {
    const qb = scope.manager
      .createQueryBuilder(Vote, 'v')
      .where('v.organization_id = :organizationId AND v.id = :id', {
        organizationId: scope.organizationId,
        id,
      });
    return residentFilter(qb, personIds).getExists();
  }

  /** A new chain head after an appended ballot; not a change of the vote, so no new version. */
  async advanceChain(scope: OrganizationScope, id: string, head: string, count: number): Promise<void> {
    await scope.manager.update(
      Vote,
      { organizationId: scope.organizationId, id },
      { chainHead: head, ballotCount: count },
    );
  }

  /** The people linked to a user account (a user may be linked to more than one). */
  async personIdsOfUser(scope: OrganizationScope, userId: string): Promise<string[]> {
    const rows = await scope.manager.find(Person, {
      select: { id: true },
      where: { organizationId: scope.organizationId, userId },
    });
    return rows.map((p) => p.id);
  }

  async existingBuildingIds(scope: OrganizationScope, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await scope.manager.find(Building, {
      select: { id: true },
      where: { organizationId: scope.organizationId, id: In(ids) },
    });
    return new Set(rows.map((b) => b.id));
  }

  async insertQuestions(scope: OrganizationScope, voteId: string, questions: QuestionRow[]): Promise<void> {
    const withIds = questions.map((q) => ({ ...q, id: randomUUID() }));
    await scope.manager.insert(
      VoteQuestion,
      withIds.map(({ options: _o, ...q }) => ({ ...q, voteId, organizationId: scope.organizationId })),
    );
    await scope.manager.insert(
      VoteOption,
      withIds.flatMap((q) =>
        q.options.map((o) => ({ ...o, questionId: q.id, organizationId: scope.organizationId })),
      ),
    );
  }

  /** Drafts only: their questions have no ballots yet. Options go with them (cascade). */
  async deleteQuestions(scope: OrganizationScope, voteId: string): Promise<void> {
    await scope.manager.delete(VoteQuestion, { organizationId: scope.organizationId, voteId });
  }

  questions(scope: OrganizationScope, voteId: string): Promise<VoteQuestion[]> {
    return scope.manager.find(VoteQuestion, {
      where: { organizationId: scope.organizationId, voteId },
      order: { position: 'ASC' },
    });
  }

  options(scope: OrganizationScope, questionIds: string[]): Promise<VoteOption[]> {
    if (questionIds.length === 0) return Promise.resolve([]);
    return scope.manager.find(VoteOption, {
      where: { organizationId: scope.organizationId, questionId: In(questionIds) },
      order: { questionId: 'ASC', position: 'ASC' },
    });
  }

  findQuestion(scope: OrganizationScope, voteId: string, id: string): Promise<VoteQuestion | null> {
    return scope.manager.findOneBy(VoteQuestion, { organizationId: scope.organizationId, voteId, id });
  }

  findOption(scope: OrganizationScope, questionId: string, id: string): Promise<VoteOption | null> {
    return scope.manager.findOneBy(VoteOption, { organizationId: scope.organizationId, questionId, id });
  }

  async saveResult(scope: OrganizationScope, questionId: string, result: VoteQuestionResult): Promise<void> {
    // `as never`: TypeORM's update typing cannot express an arbitrary jsonb object.
    await scope.manager.update(
      VoteQuestion,
      { organizationId: scope.organizationId, id: questionId },
      { result: result as never },
    );
  }

  /**
   * Takes the snapshot on opening: every unit in scope with its owners today (none, for a unit whose
   * owner is not recorded) and its ownership share. Every unit counts in the eligible total: the quorum
   * base is all shares (Civil Code § 1206, § 1208), so an unrecorded owner lowers participation instead
   * of shrinking the base. A later sale or change of shares does not move the open vote.
   */
  async snapshotEligibleUnits(
    scope: OrganizationScope,
    voteId: string,
    buildingIds: string[],
  ): Promise<VoteEligibleUnit[]> {
    await scope.manager.query(
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
      [scope.organizationId, voteId, buildingIds],
    );
    return this.eligibleUnits(scope, voteId);
  }

  eligibleUnits(scope: OrganizationScope, voteId: string): Promise<VoteEligibleUnit[]> {
    return scope.manager.find(VoteEligibleUnit, {
      where: { organizationId: scope.organizationId, voteId },
      order: { unitId: 'ASC' },
    });
  }

  eligibleUnit(scope: OrganizationScope, voteId: string, unitId: string): Promise<VoteEligibleUnit | null> {
    return scope.manager.findOneBy(VoteEligibleUnit, {
      organizationId: scope.organizationId,
      voteId,
      unitId,
    });
  }

  /** Units of the snapshot that these people own, or that they vote for as proxies. */
  unitsOfPeople(scope: OrganizationScope, voteId: string, personIds: string[]): Promise<VoteEligibleUnit[]> {
    if (personIds.length === 0) return Promise.resolve([]);
    return scope.manager
      .createQueryBuilder(VoteEligibleUnit, 'e')
      .where('e.organization_id = :organizationId AND e.vote_id = :voteId', {
        organizationId: scope.organizationId,
        voteId,
      })
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
