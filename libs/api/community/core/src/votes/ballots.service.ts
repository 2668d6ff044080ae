import { Injectable } from '@nestjs/common';
import type { Vote, VoteBallot } from '@ppt/api-db';
import type { PageQueryDto } from '@ppt/http';
import { randomBytes, randomUUID } from 'node:crypto';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { ballotHash, changeTokenHash, GENESIS_HASH, verifyChain, type BallotContent } from './ballot-chain';
import { BallotsRepository } from './ballots.repository';
import type {
  BallotChainResponse,
  BallotReceiptResponse,
  CastBallotDto,
  ParticipationPageResponse,
  ReceiptCheckResponse,
} from './dto/ballot.dto';
import { currentBallots } from './vote-arithmetic';
import { VoteAccess } from './vote-access';
import { toLink } from './vote-responses';
import { rightToVote } from './vote-rules';
import { VoteError, VoteErrorCode, voteNotFound } from './votes.errors';
import { VotesRepository } from './votes.repository';

const ALGORITHM =
  'hash = sha256(previousHash + JSON [1, ballotId, voteId, sequence, questionId, optionId, weight, unitId, castByPersonId, castAt, supersedesBallotId, changeTokenHash]); the first previousHash is 64 zeros; changeTokenHash = sha256(unitId + ":" + changeToken)';

/**
 * Ballots: one per unit and question that counts (the latest; a change is a new ballot superseding the
 * earlier one), appended to the vote's hash chain while the vote row is locked, so concurrent ballots
 * queue up and the chain stays linear. In a secret vote the chain holds no unit, person or time, and a
 * ballot can only be changed with the change token from its receipt.
 */
@Injectable()
export class BallotsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly votes: VotesRepository,
    private readonly ballots: BallotsRepository,
    private readonly access: VoteAccess,
  ) {}

  cast(t: Tenant, voteId: string, dto: CastBallotDto, meta: RequestMeta): Promise<BallotReceiptResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const { vote, personIds } = await this.access.visible(tx, t, voteId, true);
        const now = new Date();
        if (vote.status !== 'open') {
          throw new VoteError(VoteErrorCode.NotOpen, `The vote is ${vote.status}; it takes no ballots`);
        }
        if (now < vote.startAt || now > vote.endAt) {
          throw new VoteError(
            VoteErrorCode.OutsidePeriod,
            'Ballots are accepted only within the voting period',
          );
        }
        if (!(await this.votes.findQuestion(tx, voteId, dto.questionId))) {
          throw new VoteError(VoteErrorCode.QuestionNotFound, 'Question not found in this vote');
        }
        if (!(await this.votes.findOption(tx, dto.questionId, dto.optionId))) {
          throw new VoteError(
            VoteErrorCode.OptionNotInQuestion,
            'The option does not belong to the question',
          );
        }
        const unit = await this.votes.eligibleUnit(tx, voteId, dto.unitId);
        if (!unit)
          throw new VoteError(VoteErrorCode.UnitNotEligible, 'The unit does not take part in this vote');
        const delegation = await this.ballots.activeDelegation(tx, voteId, dto.unitId);
        const right = rightToVote(personIds, unit, delegation);
        if (right.kind === 'delegated') {
          throw new VoteError(
            VoteErrorCode.UnitDelegated,
            'A proxy votes for this unit; revoke the delegation to vote yourself',
          );
        }
        if (right.kind === 'none') {
          throw new VoteError(
            VoteErrorCode.NotEntitled,
            'You are neither an owner of this unit nor its proxy',
          );
        }

        const previous = await this.previousBallot(tx, vote, dto);
        // A change keeps the weight of the ballot it replaces (in a secret vote the token names that one).
        const weight = previous ?? unit;
        const changeToken = vote.secret ? randomBytes(32).toString('base64url') : null;
        const content: BallotContent = {
          ballotId: randomUUID(),
          voteId,
          sequence: vote.ballotCount + 1,
          questionId: dto.questionId,
          optionId: dto.optionId,
          weight: `${weight.weightNumerator}/${weight.weightDenominator}`,
          unitId: vote.secret ? null : dto.unitId,
          castByPersonId: vote.secret ? null : right.personId,
          castAt: vote.secret ? null : now.toISOString(),
          supersedesBallotId: previous?.id ?? null,
          changeTokenHash: changeToken ? changeTokenHash(dto.unitId, changeToken) : null,
        };
        const previousHash = vote.chainHead ?? GENESIS_HASH;
        const hash = ballotHash(previousHash, content);
        await this.ballots.append(tx, {
          id: content.ballotId,
          voteId,
          sequence: content.sequence,
          questionId: content.questionId,
          optionId: content.optionId,
          weightNumerator: weight.weightNumerator,
          weightDenominator: weight.weightDenominator,
          unitId: content.unitId,
          castByPersonId: content.castByPersonId,
          castAt: vote.secret ? null : now,
          supersedesBallotId: content.supersedesBallotId,
          changeTokenHash: content.changeTokenHash,
          previousHash,
          hash,
        });
        await this.votes.advanceChain(tx, voteId, hash, content.sequence);
        await this.ballots.recordParticipation(tx, {
          voteId,
          questionId: dto.questionId,
          unitId: dto.unitId,
          personId: right.personId,
          delegationId: right.delegationId,
        });
        // A secret ballot gets no audit entry: a timed record of who voted, beside the ordered chain,
        // would tell who voted what. Participation (untimed) records who; the chain records what.
        if (!vote.secret) {
          await tx.auditChange({ type: 'vote', id: voteId, verb: 'ballot_cast' }, null, {
            ballotId: content.ballotId,
            sequence: content.sequence,
            questionId: dto.questionId,
            optionId: dto.optionId,
            unitId: dto.unitId,
            castByPersonId: right.personId,
            delegationId: right.delegationId,
            supersedesBallotId: content.supersedesBallotId,
          });
        }
        return {
          ballotId: content.ballotId,
          voteId,
          questionId: dto.questionId,
          sequence: content.sequence,
          hash,
          previousHash,
          supersedesBallotId: content.supersedesBallotId,
          changeToken,
        };
      },
      meta,
    );
  }

  /**
   * The whole chain with its verification: anyone who sees the vote may check it. A secret vote's
   * entries are withheld while it is open (see `secretAndOpen`).
   */
  chain(t: Tenant, voteId: string): Promise<BallotChainResponse> {
    return this.tenant.run(t, async (tx) => {
      const { vote } = await this.access.visible(tx, t, voteId);
      const chain = await this.ballots.chain(tx, voteId);
      const check = verifyChain(chain.map(toLink), { hash: vote.chainHead, count: vote.ballotCount });
      const counted = new Set(currentBallots(chain).map((b) => b.id));
      const published = !secretAndOpen(vote);
      return {
        voteId,
        secret: vote.secret,
        ...check,
        headHash: vote.chainHead,
        ballotCount: vote.ballotCount,
        algorithm: ALGORITHM,
        entriesPublished: published,
        entries: (published ? chain : []).map((b) => {
          const { voteId: _vote, ...link } = toLink(b);
          return { ...link, counted: counted.has(b.id) };
        }),
      };
    });
  }

  /** Checks one receipt: the ballot is in the chain, untouched, and (unless replaced since) counted. */
  receipt(t: Tenant, voteId: string, ballotId: string): Promise<ReceiptCheckResponse> {
    return this.tenant.run(t, async (tx) => {
      const { vote } = await this.access.visible(tx, t, voteId);
      const chain = await this.ballots.chain(tx, voteId);
      const ballot = chain.find((b) => b.id === ballotId);
      if (!ballot) throw new VoteError(VoteErrorCode.BallotNotFound, 'No such ballot in this vote');
      const check = verifyChain(chain.map(toLink), { hash: vote.chainHead, count: vote.ballotCount });
      return {
        ballotId,
        sequence: ballot.sequence,
        hash: ballot.hash,
        intact: check.brokenAtSequence === null || check.brokenAtSequence > ballot.sequence,
        counted: currentBallots(chain).some((b) => b.id === ballotId),
        chainVerified: check.verified,
      };
    });
  }

  /**
   * Who took part, per unit and question (never what they chose), with the count per question. While
   * a secret vote is open only the counts are given (see `secretAndOpen`).
   */
  participation(t: Tenant, voteId: string, page: PageQueryDto): Promise<ParticipationPageResponse> {
    return this.tenant.run(t, async (tx) => {
      const vote = await this.votes.findById(tx, voteId);
      if (!vote) throw voteNotFound();
      const byQuestion = await this.ballots.participationCounts(tx, voteId);
      const hiddenUntilClose = secretAndOpen(vote);
      const [rows, total] = hiddenUntilClose
        ? [[], byQuestion.reduce((n, q) => n + q.units, 0)]
        : await this.ballots.listParticipation(tx, voteId, page);
      const items = rows.map((p) => ({
        unitId: p.unitId,
        questionId: p.questionId,
        personId: p.personId,
        delegationId: p.delegationId,
      }));
      return { items, total, limit: page.limit, offset: page.offset, hiddenUntilClose, byQuestion };
    });
  }

  /**
   * The ballot a new one replaces, if the unit has voted on the question: found by unit in an open
   * vote, by the receipt's change token in a secret one (the server keeps no other link). The token's
   * hash covers the unit, so another unit's token matches nothing.
   */
  private async previousBallot(
    tx: TenantTransaction,
    vote: Vote,
    dto: CastBallotDto,
  ): Promise<VoteBallot | null> {
    if (!(await this.ballots.participation(tx, dto.questionId, dto.unitId))) return null;
    if (!vote.secret) return this.ballots.currentOfUnit(tx, dto.questionId, dto.unitId);
    if (!dto.changeToken) {
      throw new VoteError(
        VoteErrorCode.ChangeTokenRequired,
        'This unit has voted on the question; to change a secret ballot, send the change token from its receipt',
      );
    }
    const ballot = await this.ballots.currentByChangeToken(
      tx,
      dto.questionId,
      changeTokenHash(dto.unitId, dto.changeToken),
    );
    if (!ballot) {
      throw new VoteError(
        VoteErrorCode.ChangeTokenInvalid,
        'The change token does not match a ballot of this unit that still counts on this question',
      );
    }
    return ballot;
  }
}

/**
 * A secret vote that is still taking ballots. Its chain entries and per-unit participation are
 * withheld until then: polled side by side, a new chain entry and a new participation row appearing
 * together would pair a voter with a ballot. Counts (ballots, units per question) stay visible.
 */
function secretAndOpen(vote: Pick<Vote, 'secret' | 'status'>): boolean {
  return vote.secret && (vote.status === 'open' || vote.status === 'draft');
}
