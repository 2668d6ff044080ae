import type { MajorityRule, VoteQuestionResult } from '@ppt/api-db';

/**
 * Exact vote arithmetic. Weights are ownership shares with their own denominators (1/3 + 1/7), so
 * sums are kept as reduced fractions of bigints: "exactly at quorum" and "exactly two thirds" must
 * compare equal, which floating point cannot promise.
 */
export interface Fraction {
  readonly n: bigint;
  readonly d: bigint;
}

export const ZERO: Fraction = { n: 0n, d: 1n };

export function fraction(n: bigint | number, d: bigint | number = 1n): Fraction {
  let num = BigInt(n);
  let den = BigInt(d);
  if (den === 0n) throw new RangeError('A fraction cannot have a zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num < 0n ? -num : num, den);
  return { n: num / g, d: den / g };
}

export function add(a: Fraction, b: Fraction): Fraction {
  return fraction(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function multiply(a: Fraction, b: Fraction): Fraction {
  return fraction(a.n * b.n, a.d * b.d);
}

export function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function sum(values: Iterable<Fraction>): Fraction {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/** "n/d", reduced: how weights are stored and shown. */
export function formatFraction(f: Fraction): string {
  return `${f.n}/${f.d}`;
}

export function parseFraction(text: string): Fraction {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new RangeError(`Not a fraction: ${text}`);
  return fraction(BigInt(match[1]), BigInt(match[2]));
}

/** The fraction as a percentage with `decimals` places, rounded half up ("33.33"), for display only. */
export function percent(f: Fraction, decimals = 2): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = (f.n * 100n * scale * 2n + f.d) / (2n * f.d);
  const whole = scaled / scale;
  if (decimals === 0) return `${whole}`;
  return `${whole}.${(scaled % scale).toString().padStart(decimals, '0')}`;
}

/**
 * A share between 0 and 1 written as a fraction ("2/3") or a percentage ("50%", "33.33%"); null when it
 * is neither or above 1.
 */
export function parseShare(text: string): Fraction | null {
  const ratio = /^(\d{1,9})\/(\d{1,9})$/.exec(text);
  const pct = /^(\d{1,3})(?:\.(\d{1,4}))?%$/.exec(text);
  let share: Fraction;
  if (ratio) {
    if (BigInt(ratio[2]) === 0n) return null;
    share = fraction(BigInt(ratio[1]), BigInt(ratio[2]));
  } else if (pct) {
    const decimals = pct[2] ?? '';
    share = fraction(BigInt(pct[1] + decimals), 100n * 10n ** BigInt(decimals.length));
  } else {
    return null;
  }
  return compare(share, fraction(1)) > 0 ? null : share;
}

/**
 * Whether the leading option's weight carries the question: simple = more than half of the
 * participating weight, two_thirds = at least two thirds of it, unanimous = all of it.
 */
export function meetsMajority(rule: MajorityRule, optionWeight: Fraction, participating: Fraction): boolean {
  if (participating.n === 0n) return false;
  switch (rule) {
    case 'simple':
      return compare(multiply(optionWeight, fraction(2)), participating) > 0;
    case 'two_thirds':
      return compare(multiply(optionWeight, fraction(3)), multiply(participating, fraction(2))) >= 0;
    case 'unanimous':
      return compare(optionWeight, participating) === 0;
  }
}

export interface TallyInput {
  eligibleWeight: Fraction;
  quorum: Fraction;
  majority: MajorityRule;
  /** In display order; abstentions count as taking part but never win. */
  options: readonly { id: string; abstain: boolean }[];
  /** Only the ballots that count: one per unit, its latest. */
  ballots: readonly { optionId: string; weight: Fraction }[];
}

/**
 * The result of one question. Quorum: the participating weight is at least `quorum` of the eligible
 * weight (exactly at quorum is reached). Then the option with the most weight wins if it meets the
 * majority rule; two or more options sharing the lead is a tie, and a tie has no winner.
 */
export function tallyQuestion(input: TallyInput): VoteQuestionResult {
  const tally = new Map(input.options.map((o) => [o.id, { weight: ZERO, units: 0 }]));
  const entryOf = (optionId: string) => {
    const entry = tally.get(optionId);
    if (!entry) throw new RangeError(`Ballot for an option outside the question: ${optionId}`);
    return entry;
  };
  for (const ballot of input.ballots) {
    const entry = entryOf(ballot.optionId);
    entry.weight = add(entry.weight, ballot.weight);
    entry.units += 1;
  }
  const participating = sum(input.ballots.map((b) => b.weight));
  const quorumReached =
    input.eligibleWeight.n > 0n && compare(participating, multiply(input.quorum, input.eligibleWeight)) >= 0;
  const decided = (
    outcome: VoteQuestionResult['outcome'],
    winningOptionId: string | null = null,
  ): VoteQuestionResult => ({
    eligibleWeight: formatFraction(input.eligibleWeight),
    participatingWeight: formatFraction(participating),
    participatingUnits: input.ballots.length,
    quorumReached,
    outcome,
    winningOptionId,
    options: input.options.map((o) => ({
      optionId: o.id,
      weight: formatFraction(entryOf(o.id).weight),
      units: entryOf(o.id).units,
    })),
  });

  if (!quorumReached) return decided('no_quorum');
  const candidates = input.options.filter((o) => !o.abstain);
  const top = candidates
    .map((c) => entryOf(c.id).weight)
    .reduce((max, w) => (compare(w, max) > 0 ? w : max), ZERO);
  if (top.n === 0n) return decided('no_majority');
  const leaders = candidates.filter((c) => compare(entryOf(c.id).weight, top) === 0);
  if (leaders.length > 1) return decided('tie');
  return meetsMajority(input.majority, top, participating)
    ? decided('adopted', leaders[0].id)
    : decided('no_majority');
}

/** The ballots that count: every ballot no later ballot supersedes. */
export function currentBallots<T extends { id: string; supersedesBallotId: string | null }>(
  chain: readonly T[],
): T[] {
  const superseded = new Set(chain.map((b) => b.supersedesBallotId).filter((id) => id !== null));
  return chain.filter((b) => !superseded.has(b.id));
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
