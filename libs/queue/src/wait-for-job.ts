import type { Job } from 'bull';

/** The job did not finish within the time it was given (it may still run). */
export class JobWaitTimeout extends Error {}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | 'expired';

/**
 * The job's return value once it has completed, or its failure (an Error with Bull's failed
 * reason); JobWaitTimeout after `timeoutMs`.
 *
 * Bull's `job.finished()` settles on the first completed/failed event carrying the job's id. When
 * ids are reused (addFresh), the event of the earlier job under the id can still be on its way and
 * settle the new job's wait with the old outcome, so each event is checked against what Redis holds
 * under the id, and an event that does not match it is waited past.
 */
export async function waitForJob<R = unknown>(job: Job, timeoutMs: number): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()));
    });
    const settled: Settled = await Promise.race([
      job.finished().then(
        (value: unknown) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      expired,
    ]).finally(() => clearTimeout(timer));
    if (settled === 'expired')
      throw new JobWaitTimeout(`Job ${job.id} did not finish within ${timeoutMs} ms`);

    const current = await job.queue.getJob(job.id);
    const state = current ? await current.getState() : undefined;
    if (state === 'completed') return current!.returnvalue as R;
    if (state === 'failed') throw new Error(current!.failedReason);
    // Gone (removed once finished, as removeOnComplete may do): the event is all there is to go by.
    if (!current) {
      if (settled.ok) return settled.value as R;
      throw settled.error;
    }
  }
}
