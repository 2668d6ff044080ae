import { Injectable } from '@nestjs/common';
import type { Vote, VoteKind, VoteStatus } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { BallotsRepository } from './ballots.repository';
import type {
  CreateVoteDto,
  ListVotesQueryDto,
  MyUnitResponse,
  QuestionInputDto,
  UpdateVoteDto,
  VoteResponse,
  VoteSummaryResponse,
} from './dto/vote.dto';
import { VoteAccess } from './vote-access';
import { fraction, formatFraction, parseShare, sum } from './vote-arithmetic';
import { auditSnapshot, share, toQuestion, toSummary } from './vote-responses';
import { VoteClosing } from './vote-closing';
import { canTransition, PER_ROLLAM_MIN_DAYS, periodLongEnough, rightToVote, runsVotes } from './vote-rules';
import { VoteError, VoteErrorCode, voteNotFound } from './votes.errors';
import { VotesRepository, type QuestionRow } from './votes.repository';

/**
 * The life of a vote: drafted (editable), opened (eligibility and weights snapshotted), closed (results
 * computed from the verified ballot chain and stored — by a manager, or by the job once `endAt` has
 * passed) or cancelled. Every change is audited; opening,
 * closing and cancelling an open vote write events through the outbox in the same transaction.
 */
@Injectable()
export class VotesService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly votes: VotesRepository,
    private readonly ballots: BallotsRepository,
    private readonly access: VoteAccess,
    private readonly closing: VoteClosing,
  ) {}

  list(t: Tenant, query: ListVotesQueryDto): Promise<Page<VoteSummaryResponse>> {
    return this.tenant.run(t, async (tx) => {
      const residentOf = runsVotes(t.role) ? undefined : await this.access.personIds(tx, t);
      const [items, total] = await this.votes.list(tx, query, residentOf);
      return { items: items.map(toSummary), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<VoteResponse> {
    return this.tenant.run(t, async (tx) => {
      const { vote, personIds } = await this.access.visible(tx, t, id);
      return this.load(tx, t, vote, personIds);
    });
  }

  create(t: Tenant, dto: CreateVoteDto, meta: RequestMeta): Promise<VoteResponse> {
    const { questions, startAt, endAt, ...fields } = dto;
    const period = checkPeriod(dto.kind, startAt, endAt);
    const rows = questionRows(questions);
    return this.tenant.run(
      t,
      async (tx) => {
        await this.checkBuildings(tx, dto.buildingIds ?? []);
        const vote = await this.votes.create(tx, {
          ...fields,
          ...period,
          status: 'draft',
          createdByUserId: t.userId,
        });
        await this.votes.insertQuestions(tx, vote.id, rows);
        const after = await this.load(tx, t, vote, []);
        await this.record(tx, vote.id, 'created', null, after);
        return after;
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateVoteDto, meta: RequestMeta): Promise<VoteResponse> {
    const { questions, startAt, endAt, ...fields } = dto;
    const rows = questions ? questionRows(questions) : undefined;
    return this.tenant.run(
      t,
      async (tx) => {
        const vote = await this.votes.findForUpdate(tx, id);
        if (!vote) throw voteNotFound();
        if (vote.status !== 'draft') {
          throw new VoteError(
            VoteErrorCode.NotDraft,
            `Only a draft can be edited (this vote is ${vote.status})`,
          );
        }
        const before = await this.load(tx, t, vote, []);
        const period = checkPeriod(
          dto.kind ?? vote.kind,
          startAt ?? vote.startAt.toISOString(),
          endAt ?? vote.endAt.toISOString(),
        );
        if (dto.buildingIds) await this.checkBuildings(tx, dto.buildingIds);
        await this.votes.update(tx, id, { ...fields, ...period });
        if (rows) {
          await this.votes.deleteQuestions(tx, id);
          await this.votes.insertQuestions(tx, id, rows);
        }
        const after = await this.load(tx, t, await this.mustFind(tx, id), []);
        await this.record(tx, id, 'updated', before, after);
        return after;
      },
      meta,
    );
  }

  /** Snapshots who may vote and with what weight; from here ballots are accepted within the period. */
  open(t: Tenant, id: string, meta: RequestMeta): Promise<VoteResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const vote = await this.transition(tx, id, 'open');
        const now = new Date();
        if (now >= vote.endAt) {
          throw new VoteError(VoteErrorCode.OutsidePeriod, 'The voting period has already ended');
        }
        const from = now > vote.startAt ? now : vote.startAt;
        if (!periodLongEnough(vote.kind, from, vote.endAt)) {
          throw new VoteError(
            VoteErrorCode.InvalidPeriod,
            `A written vote must leave owners at least ${PER_ROLLAM_MIN_DAYS} days from opening`,
          );
        }
        const units = await this.votes.snapshotEligibleUnits(tx, id, vote.buildingIds);
        if (units.length === 0) {
          throw new VoteError(VoteErrorCode.NoEligibleUnits, 'The vote’s scope has no units');
        }
        const eligibleWeight = sum(units.map((u) => fraction(u.weightNumerator, u.weightDenominator)));
        // No quorum could ever be reached: every unit in scope has an ownership share of 0.
        if (eligibleWeight.n === 0n) {
          throw new VoteError(
            VoteErrorCode.NoEligibleWeight,
            'The units in scope have no ownership share (total weight 0); set their shares before opening',
          );
        }
        await this.votes.update(tx, id, {
          status: 'open',
          openedAt: now,
          eligibleUnitCount: units.length,
          eligibleWeight: formatFraction(eligibleWeight),
        });
        const after = await this.mustFind(tx, id);
        await this.record(tx, id, 'opened', toSummary(vote), toSummary(after));
        await tx.emit({
          type: 'vote.opened',
          aggregateId: id,
          aggregateVersion: after.version,
          payload: {
            voteId: id,
            title: after.title,
            kind: after.kind,
            secret: after.secret,
            buildingIds: after.buildingIds,
            startAt: after.startAt.toISOString(),
            endAt: after.endAt.toISOString(),
            eligibleUnitCount: units.length,
            eligibleWeight: formatFraction(eligibleWeight),
          },
        });
        return this.load(tx, t, after);
      },
      meta,
    );
  }

  /** Closes the vote now (shared with the job that closes votes past their end: `VoteClosing`). */
  close(t: Tenant, id: string, meta: RequestMeta): Promise<VoteResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const vote = await this.transition(tx, id, 'closed');
        return this.load(tx, t, await this.closing.close(tx, vote, new Date()));
      },
      meta,
    );
  }

  cancel(t: Tenant, id: string, meta: RequestMeta): Promise<VoteResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const vote = await this.transition(tx, id, 'cancelled');
        await this.votes.update(tx, id, { status: 'cancelled', cancelledAt: new Date() });
        const after = await this.mustFind(tx, id);
        await this.record(tx, id, 'cancelled', toSummary(vote), toSummary(after));
        // Owners only ever heard of an open vote; a draft disappears quietly.
        if (vote.status === 'open') {
          await tx.emit({
            type: 'vote.cancelled',
            aggregateId: id,
            aggregateVersion: after.version,
            payload: { voteId: id, title: after.title },
          });
        }
        return this.load(tx, t, after);
      },
      meta,
    );
  }

  private async transition(tx: TenantTransaction, id: string, to: VoteStatus): Promise<Vote> {
    const vote = await this.votes.findForUpdate(tx, id);
    if (!vote) throw voteNotFound();
    if (!canTransition(vote.status, to)) {
      throw new VoteError(VoteErrorCode.InvalidTransition, `A ${vote.status} vote cannot become ${to}`);
    }
    return vote;
  }

  private async mustFind(tx: TenantTransaction, id: string): Promise<Vote> {
    const vote = await this.votes.findById(tx, id);
    if (!vote) throw voteNotFound();
    return vote;
  }

  private async checkBuildings(tx: TenantTransaction, ids: string[]): Promise<void> {
    const found = await this.votes.existingBuildingIds(tx, ids);
    if (found.size !== ids.length) throw new VoteError(VoteErrorCode.BuildingNotFound, 'Building not found');
  }

  /** The vote with its questions (and results once closed) and the units the caller votes for. */
  private async load(
    tx: TenantTransaction,
    t: Tenant,
    vote: Vote,
    personIds?: string[],
  ): Promise<VoteResponse> {
    const questions = await this.votes.questions(tx, vote.id);
    const options = await this.votes.options(
      tx,
      questions.map((q) => q.id),
    );
    return {
      ...toSummary(vote),
      questions: questions.map((q) =>
        toQuestion(
          q,
          options.filter((o) => o.questionId === q.id),
        ),
      ),
      myUnits: await this.myUnits(tx, vote, personIds ?? (await this.access.personIds(tx, t))),
    };
  }

  private async myUnits(tx: TenantTransaction, vote: Vote, personIds: string[]): Promise<MyUnitResponse[]> {
    if (vote.status === 'draft') return [];
    const units = await this.votes.unitsOfPeople(tx, vote.id, personIds);
    const unitIds = units.map((u) => u.unitId);
    const delegations = await this.ballots.activeDelegations(tx, vote.id, unitIds);
    const voted = await this.ballots.participationsOfUnits(tx, vote.id, unitIds);
    return units.map((u) => {
      const delegation = delegations.find((d) => d.unitId === u.unitId) ?? null;
      const right = rightToVote(personIds, u, delegation);
      return {
        unitId: u.unitId,
        weight: share(fraction(u.weightNumerator, u.weightDenominator)),
        right: right.kind === 'proxy' ? 'proxy' : right.kind === 'delegated' ? 'delegated' : 'owner',
        delegationId: delegation?.id ?? null,
        votedQuestionIds: voted.filter((p) => p.unitId === u.unitId).map((p) => p.questionId),
      };
    });
  }

  private record(
    tx: TenantTransaction,
    id: string,
    verb: 'created' | 'updated' | 'opened' | 'closed' | 'cancelled',
    before: object | null,
    after: object,
  ): Promise<void> {
    return tx.auditChange({ type: 'vote', id, verb }, auditSnapshot(before), auditSnapshot(after));
  }
}

/** The period as dates, checked: end after start; a written vote at least the per rollam minimum. */
function checkPeriod(kind: VoteKind, startAt: string, endAt: string): { startAt: Date; endAt: Date } {
  const period = { startAt: new Date(startAt), endAt: new Date(endAt) };
  if (period.endAt <= period.startAt) {
    throw new VoteError(VoteErrorCode.InvalidPeriod, 'The vote must end after it starts');
  }
  if (!periodLongEnough(kind, period.startAt, period.endAt)) {
    throw new VoteError(
      VoteErrorCode.InvalidPeriod,
      `A written vote (per rollam) must run at least ${PER_ROLLAM_MIN_DAYS} days`,
    );
  }
  return period;
}

function questionRows(questions: QuestionInputDto[]): QuestionRow[] {
  return questions.map((q, i) => {
    const quorum = parseShare(q.quorum);
    if (!quorum) {
      throw new VoteError(VoteErrorCode.InvalidQuorum, 'The quorum must be a share between 0 and 1', [
        { field: `questions.${i}.quorum`, message: 'quorum must be between 0 and 1 (e.g. 1/2 or 50%)' },
      ]);
    }
    return {
      position: i + 1,
      text: q.text,
      description: q.description ?? '',
      quorumNumerator: Number(quorum.n),
      quorumDenominator: Number(quorum.d),
      majority: q.majority ?? 'simple',
      options: q.options.map((o, j) => ({ position: j + 1, label: o.label, abstain: o.abstain ?? false })),
    };
  });
}
