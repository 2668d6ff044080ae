import type { Job, Queue } from 'bull';

/** The benchmark's job name (a name of its own on the maintenance queue under the bench's key prefix). */
export const BENCH_JOB = 'bench-noop';
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/**
 * Counts completed jobs and their enqueue→complete latency (Bull's `completed` event of this process,
 * `job.timestamp` set by the producer's add) between the parent's `start` and `stop` messages, then
 * answers `stop` with the counts and exits (the parent deletes the keys). The same listener runs in
 * both consumers.
 */
export function measureCompletions(queue: Queue): void {
  let measuring = false;
  let latencies: number[] = [];
  let startedAt = 0;
  queue.on('completed', (job: Job) => {
    if (measuring) latencies.push(Date.now() - job.timestamp);
  });
  process.on('message', (message: string) => {
    if (message === 'start') {
      latencies = [];
      startedAt = Date.now();
      measuring = true;
    } else if (message === 'stop') {
      measuring = false;
      const elapsedMs = Date.now() - startedAt;
      void queue.getJobCounts().then((counts) => {
        process.send?.({ completed: latencies.length, elapsedMs, latencies: summarise(latencies), counts }, () =>
          process.exit(0),
        );
      });
    }
  });
  process.send?.('ready');
}

function summarise(xs: number[]): { p50: number; p99: number } {
  const sorted = xs.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}
