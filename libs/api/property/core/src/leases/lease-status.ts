import type { LeaseStatus } from '@ppt/api-db';

/** draft → active → terminated | expired; nothing else. */
const TRANSITIONS: Record<LeaseStatus, readonly LeaseStatus[]> = {
  draft: ['active'],
  active: ['terminated', 'expired'],
  terminated: [],
  expired: [],
};

export function canTransition(from: LeaseStatus, to: LeaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
