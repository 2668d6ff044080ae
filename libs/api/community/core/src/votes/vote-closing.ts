import { Injectable } from '@nestjs/common';
import type { Vote } from '@ppt/api-db';
import type { TenantTransaction } from '@ppt/api-shared';
import { verifyChain } from './ballot-chain';
import { BallotsRepository } from './ballots.repository';
import { currentBallots, fraction, formatFraction, parseFraction, tallyQuestion } from './vote-arithmetic';
import { auditSnapshot, toLink, toSummary } from './vote-responses';
import { VoteError, VoteErrorCode, voteNotFound } from './votes.errors';
import { VotesRepository } from './votes.repository';

/**
 * Closing a vote, shared by the manager's `POST /votes/:id/close` and the every-minute job that closes
 * votes past their end: counts the ballots that count (each unit's latest per question), stores every
 * question's result, marks the vote closed, audits it and writes `vote.closed`, all in the caller's
 * transaction. A written vote runs its whole period; a chain that does not verify is never counted.
 */
@Injectable()
export class VoteClosing {
  constructor(
    private readonly votes: VotesRepository,
    private readonly ballots: BallotsRepository,
  ) {}

  /**
   * `vote` is the open vote, locked by the caller (`findForUpdate`); returns it closed, audited as the
   * transaction's actor (a manager, or the system).
   */
  async close(tx: TenantTransaction, vote: Vote, now: Date): Promise<Vote> {
    const id = vote.id;
    if (vote.kind === 'written' && now < vote.endAt) {
      throw new VoteError(VoteErrorCode.PeriodRunning, 'A written vote closes only after its period ends');
    }
    const chain = await this.ballots.chain(tx, id);
    const check = verifyChain(chain.map(toLink), { hash: vote.chainHead, count: vote.ballotCount });
    if (!check.verified) {
      throw new VoteError(
        VoteErrorCode.ChainBroken,
        `The ballot chain does not verify from ballot ${check.brokenAtSequence} (${check.reason}); nothing was counted`,
      );
    }
    const counted = currentBallots(chain);
    const eligibleWeight = parseFraction(vote.eligibleWeight as string);
    const questions = await this.votes.questions(tx, id);
    const options = await this.votes.options(
      tx,
      questions.map((q) => q.id),
    );
    const results = [];
    for (const q of questions) {
      const result = tallyQuestion({
        eligibleWeight,
        quorum: fraction(q.quorumNumerator, q.quorumDenominator),
        majority: q.majority,
        options: options.filter((o) => o.questionId === q.id),
        ballots: counted
          .filter((b) => b.questionId === q.id)
          .map((b) => ({ optionId: b.optionId, weight: fraction(b.weightNumerator, b.weightDenominator) })),
      });
      await this.votes.saveResult(tx, q.id, result);
      results.push({
        questionId: q.id,
        quorumReached: result.quorumReached,
        outcome: result.outcome,
        winningOptionId: result.winningOptionId,
        participatingWeight: result.participatingWeight,
      });
    }
    await this.votes.update(tx, id, { status: 'closed', closedAt: now });
    const after = await this.votes.findById(tx, id);
    if (!after) throw voteNotFound();
    await tx.auditChange(
      { type: 'vote', id, verb: 'closed' },
      auditSnapshot(toSummary(vote)),
      auditSnapshot({ ...toSummary(after), results }),
    );
    await tx.emit({
      type: 'vote.closed',
      aggregateId: id,
      aggregateVersion: after.version,
      payload: {
        voteId: id,
        closedAt: now.toISOString(),
        eligibleWeight: formatFraction(eligibleWeight),
        chainHead: vote.chainHead,
        ballotCount: vote.ballotCount,
        results,
      },
    });
    return after;
  }
}
