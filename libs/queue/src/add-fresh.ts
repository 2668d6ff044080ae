import type { Job, JobOptions, Queue } from 'bull';

/**
 * Adds a job under `options.jobId` even when that id was used before. Bull keeps finished jobs
 * (COMPLETED_JOBS_KEPT, failed ones for good) and silently ignores an add under a kept id, so a
 * finished job under it is removed first; a job that waits or runs under it is left to do the work.
 */
export async function addFresh<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  options: JobOptions & { jobId: string },
): Promise<Job<T>> {
  const kept = await queue.getJob(options.jobId);
  if (kept && ((await kept.isCompleted()) || (await kept.isFailed())))
    await kept.remove().catch(() => undefined);
  return queue.add(name, data, options);
}
