import { createHash } from 'node:crypto';

/** The previous hash of a vote's first ballot. */
export const GENESIS_HASH = '0'.repeat(64);

/** Everything a ballot row says, besides its own hash: what the hash seals. */
export interface BallotContent {
  ballotId: string;
  voteId: string;
  sequence: number;
  questionId: string;
  optionId: string;
  /** The unit's ownership share as stored, "numerator/denominator". */
  weight: string;
  unitId: string | null;
  castByPersonId: string | null;
  castAt: string | null;
  supersedesBallotId: string | null;
  changeTokenHash: string | null;
}

export interface ChainLink extends BallotContent {
  previousHash: string;
  hash: string;
}

export type ChainBreak = 'sequence_gap' | 'previous_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface ChainVerification {
  verified: boolean;
  /** The first sequence number at which the chain no longer holds (null when it verifies). */
  brokenAtSequence: number | null;
  reason: ChainBreak | null;
}

/**
 * A fixed-order JSON of the content. The format version comes first, so a later change to what a
 * ballot holds can be told apart from tampering.
 */
export function canonicalBallot(c: BallotContent): string {
  return JSON.stringify([
    1,
    c.ballotId,
    c.voteId,
    c.sequence,
    c.questionId,
    c.optionId,
    c.weight,
    c.unitId,
    c.castByPersonId,
    c.castAt,
    c.supersedesBallotId,
    c.changeTokenHash,
  ]);
}

/** sha256(previousHash || canonical content), hex. */
export function ballotHash(previousHash: string, content: BallotContent): string {
  return createHash('sha256')
    .update(previousHash + canonicalBallot(content))
    .digest('hex');
}

/**
 * Walks the chain in sequence order: every link must follow the one before (1, 2, 3, …), name its
 * hash as previous, and hash to what it stores; the last hash and the count must match the head kept
 * on the vote, so a removed or added trailing ballot shows too.
 */
export function verifyChain(
  links: readonly ChainLink[],
  head: { hash: string | null; count: number },
): ChainVerification {
  let previous = GENESIS_HASH;
  for (const [i, link] of links.entries()) {
    const broken = (reason: ChainBreak): ChainVerification => ({
      verified: false,
      brokenAtSequence: i + 1,
      reason,
    });
    if (link.sequence !== i + 1) return broken('sequence_gap');
    if (link.previousHash !== previous) return broken('previous_hash_mismatch');
    if (ballotHash(previous, link) !== link.hash) return broken('hash_mismatch');
    previous = link.hash;
  }
  if (links.length !== head.count || previous !== (head.hash ?? GENESIS_HASH)) {
    return {
      verified: false,
      brokenAtSequence: Math.min(links.length, head.count) + 1,
      reason: 'head_mismatch',
    };
  }
  return { verified: true, brokenAtSequence: null, reason: null };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What a secret ballot stores of its change token: bound to the unit, so a token only ever replaces
 * that unit's ballot, while the chain still shows no unit (the token is secret and random).
 */
export function changeTokenHash(unitId: string, changeToken: string): string {
  return sha256Hex(`${unitId}:${changeToken}`);
}
