import type {
  Vote,
  VoteBallot,
  VoteDelegation,
  VoteOption,
  VoteQuestion,
  VoteQuestionResult,
} from '@ppt/api-db';
import type { ChainLink } from './ballot-chain';
import type { DelegationResponse } from './dto/ballot.dto';
import type {
  QuestionResponse,
  QuestionResultResponse,
  ShareResponse,
  VoteSummaryResponse,
} from './dto/vote.dto';
import { fraction, formatFraction, parseFraction, percent, type Fraction } from './vote-arithmetic';

/** Mapping of vote rows to API responses. */

export function share(f: Fraction): ShareResponse {
  return { fraction: formatFraction(f), percent: percent(f) };
}

export function toSummary(v: Vote): VoteSummaryResponse {
  return {
    id: v.id,
    title: v.title,
    description: v.description,
    kind: v.kind,
    secret: v.secret,
    status: v.status,
    buildingIds: v.buildingIds,
    startAt: v.startAt,
    endAt: v.endAt,
    openedAt: v.openedAt,
    closedAt: v.closedAt,
    cancelledAt: v.cancelledAt,
    eligibleUnitCount: v.eligibleUnitCount,
    eligibleWeight: v.eligibleWeight === null ? null : share(parseFraction(v.eligibleWeight)),
    ballotCount: v.ballotCount,
    chainHead: v.chainHead,
    version: v.version,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

export function toQuestion(q: VoteQuestion, options: VoteOption[]): QuestionResponse {
  return {
    id: q.id,
    position: q.position,
    text: q.text,
    description: q.description,
    quorum: share(fraction(q.quorumNumerator, q.quorumDenominator)),
    majority: q.majority,
    options: options.map((o) => ({ id: o.id, position: o.position, label: o.label, abstain: o.abstain })),
    result: q.result ? toResult(q.result) : null,
  };
}

function toResult(r: VoteQuestionResult): QuestionResultResponse {
  return {
    eligibleWeight: share(parseFraction(r.eligibleWeight)),
    participatingWeight: share(parseFraction(r.participatingWeight)),
    participatingUnits: r.participatingUnits,
    quorumReached: r.quorumReached,
    outcome: r.outcome,
    winningOptionId: r.winningOptionId,
    options: r.options.map((o) => ({
      optionId: o.optionId,
      weight: share(parseFraction(o.weight)),
      units: o.units,
    })),
  };
}

export function toDelegation(d: VoteDelegation): DelegationResponse {
  return {
    id: d.id,
    voteId: d.voteId,
    unitId: d.unitId,
    grantorPersonId: d.grantorPersonId,
    proxyPersonId: d.proxyPersonId,
    createdAt: d.createdAt,
    revokedAt: d.revokedAt,
  };
}

/** A ballot row as a link of the chain: exactly the content its hash seals. */
export function toLink(b: VoteBallot): ChainLink {
  return {
    ballotId: b.id,
    voteId: b.voteId,
    sequence: b.sequence,
    questionId: b.questionId,
    optionId: b.optionId,
    weight: `${b.weightNumerator}/${b.weightDenominator}`,
    unitId: b.unitId,
    castByPersonId: b.castByPersonId,
    castAt: b.castAt ? b.castAt.toISOString() : null,
    supersedesBallotId: b.supersedesBallotId,
    changeTokenHash: b.changeTokenHash,
    previousHash: b.previousHash,
    hash: b.hash,
  };
}

/** The audit keeps what changed, not timestamps or the caller's own view. */
export function auditSnapshot(snapshot: object | null): Record<string, unknown> | null {
  if (!snapshot) return null;
  const { createdAt: _c, updatedAt: _u, myUnits: _m, ...fields } = snapshot as Record<string, unknown>;
  return fields;
}
