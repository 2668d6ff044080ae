import { can, Permission } from '@ppt/auth';
import type { VoteKind, VoteStatus } from '@ppt/api-db';
import type { MembershipRole } from '@ppt/db';

/**
 * A written vote (per rollam) gives owners at least this long to answer: the Czech Civil Code
 * (§ 1210) sets 15 days unless the articles say more. Counted from the later of start and opening.
 */
export const PER_ROLLAM_MIN_DAYS = 15;
const DAY_MS = 24 * 60 * 60 * 1000;

/** draft → open → closed; a draft or an open vote can be cancelled. */
const TRANSITIONS: Record<VoteStatus, readonly VoteStatus[]> = {
  draft: ['open', 'cancelled'],
  open: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
};

export function canTransition(from: VoteStatus, to: VoteStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the voting period is long enough for the kind (a meeting only needs end after start). */
export function periodLongEnough(kind: VoteKind, from: Date, endAt: Date): boolean {
  const length = endAt.getTime() - from.getTime();
  return kind === 'written' ? length >= PER_ROLLAM_MIN_DAYS * DAY_MS : length > 0;
}

/** Organisation administrators and managers run votes and see everything about them. */
export function runsVotes(role: MembershipRole): boolean {
  return can({ role }, Permission.VoteManage);
}

export type VotingRight =
  | { kind: 'owner'; personId: string; delegationId: null }
  | { kind: 'proxy'; personId: string; delegationId: string }
  | { kind: 'delegated' }
  | { kind: 'none' };

/**
 * Who may cast a unit's ballot, given the caller's people: the proxy of the delegation in force, else
 * any owner in the snapshot (co-owners share one ballot; the last one cast counts). An owner who has
 * delegated votes again only after revoking.
 */
export function rightToVote(
  personIds: readonly string[],
  unit: { ownerPersonIds: readonly string[] },
  delegation: { id: string; proxyPersonId: string } | null,
): VotingRight {
  if (delegation && personIds.includes(delegation.proxyPersonId)) {
    return { kind: 'proxy', personId: delegation.proxyPersonId, delegationId: delegation.id };
  }
  const owner = unit.ownerPersonIds.find((id) => personIds.includes(id));
  if (!owner) return { kind: 'none' };
  return delegation ? { kind: 'delegated' } : { kind: 'owner', personId: owner, delegationId: null };
}
