/** Name of the jittered backoff strategy every queue knows (job option `backoff: { type, options }`). */
export const JITTERED_BACKOFF = 'jittered';

export interface JitteredBackoffOptions {
  /** First delay in ms; each next attempt doubles it. */
  delay: number;
  /** Upper bound in ms. */
  max?: number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay plus a random half, so jobs
 * that failed together (a portal outage) do not all come back at the same instant. An error that
 * says it is not worth retrying (`retryable: false`, e.g. a wrong password) fails the job at once;
 * one that knows when a retry can succeed (`retryAt`, e.g. a daily quota that resets at midnight)
 * waits until then, plus the jitter, so the jobs held back do not all arrive at the same instant.
 */
export function jitteredBackoff(
  attemptsMade: number,
  err: unknown,
  options: JitteredBackoffOptions | null,
  random: () => number = Math.random,
): number {
  if ((err as { retryable?: unknown } | null)?.retryable === false) return -1;
  const retryAt = (err as { retryAt?: unknown } | null)?.retryAt;
  if (retryAt instanceof Date && retryAt.getTime() > Date.now()) {
    const spread = options?.delay ?? 1000;
    return retryAt.getTime() - Date.now() + Math.round(random() * spread);
  }
  const base = options?.delay ?? 1000;
  const exponential = Math.min(options?.max ?? 3_600_000, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
