import type { Job } from 'bull';

/** The job did not finish within the time it was given (it may still run). */
export class JobWaitTimeout extends Error {}

/** First look after this long, then twice as long each time, up to POLL_MAX_MS. */
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 100;

/**
 * The job's return value once it has completed, or its failure (an Error with Bull's failed
 * reason); JobWaitTimeout after `timeoutMs`, Redis reads included.
 *
 * It reads the job's state in Redis rather than trusting Bull's `job.finished()`, which settles on
 * the first completed/failed event carrying the job's id: when ids are reused (addFresh), a late
 * event of the earlier job under the id settles the new job's wait with the old outcome, and a
 * completion event can also go unseen until its 5 s watchdog (both seen in our tests). Jobs it is
 * used for take milliseconds, so the polling is short.
 */
export async function waitForJob<R = unknown>(job: Job, timeoutMs: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new JobWaitTimeout(`Job ${job.id} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const inTime = <T>(step: Promise<T>) => Promise.race([step, expired]);
  try {
    for (let pause = POLL_FIRST_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const current = await inTime(job.queue.getJob(job.id));
      if (!current) throw new Error(`Job ${job.id} was removed before it finished`);
      const state = await inTime(current.getState());
      if (state === 'completed') {
        // Read again: the copy above may predate the completion (no return value on it yet).
        const done = await inTime(job.queue.getJob(job.id));
        return (done ?? current).returnvalue as R;
      }
      if (state === 'failed') throw new Error(current.failedReason);
      await inTime(new Promise((resolve) => setTimeout(resolve, pause)));
    }
  } finally {
    clearTimeout(timer);
  }
}
