/** The unresolved instance of a rule's series, if there is one. */
export interface ActiveInstance {
  state: 'pending' | 'firing';
  startedAt: Date;
}

/** What one evaluation does to a series' instance; `notify` marks the transitions people hear about. */
export type AlertStep =
  | { action: 'none' }
  | { action: 'open'; state: 'pending' | 'firing'; notify: boolean }
  | { action: 'keep' }
  | { action: 'fire'; notify: true }
  | { action: 'resolve'; notify: boolean };

/**
 * The state machine of one (rule, series): the condition opens an instance, pending until it has held
 * `forSeconds`, then firing; when it stops holding the instance is resolved. Only reaching firing and
 * resolving a firing instance notify, so an ongoing problem is one notification, not one a minute,
 * and a condition that cleared while pending notifies nobody.
 */
export function nextStep(
  active: ActiveInstance | null,
  conditionHolds: boolean,
  now: Date,
  forSeconds: number,
): AlertStep {
  if (!active) {
    if (!conditionHolds) return { action: 'none' };
    return forSeconds > 0
      ? { action: 'open', state: 'pending', notify: false }
      : { action: 'open', state: 'firing', notify: true };
  }
  if (!conditionHolds) return { action: 'resolve', notify: active.state === 'firing' };
  if (active.state === 'pending' && now.getTime() - active.startedAt.getTime() >= forSeconds * 1000)
    return { action: 'fire', notify: true };
  return { action: 'keep' };
}
