import type { FaultPriority, FaultStatus } from '@ppt/api-db';

/**
 * new → triaged → in_progress → resolved → closed; new/triaged → rejected; resolved → in_progress
 * (reopen). Closed and rejected are final.
 */
const TRANSITIONS: Record<FaultStatus, readonly FaultStatus[]> = {
  new: ['triaged', 'rejected'],
  triaged: ['in_progress', 'rejected'],
  in_progress: ['resolved'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  rejected: [],
};

export function canTransition(from: FaultStatus, to: FaultStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Response time by priority (SLA): the fault is due this long after it was reported. */
export const SLA_HOURS: Record<FaultPriority, number> = {
  urgent: 24,
  high: 72,
  normal: 7 * 24,
  low: 30 * 24,
};

export function dueAt(reportedAt: Date, priority: FaultPriority): Date {
  return new Date(reportedAt.getTime() + SLA_HOURS[priority] * 3600_000);
}
