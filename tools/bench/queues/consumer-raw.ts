// Raw Bull: the same Bull version, Redis and key layout as the wrapper's consumer, its default options,
// a no-op processor at the same concurrency; no telemetry, no wrapper (tools/bench/queues.mjs starts it).
import Bull from 'bull';
import { BENCH_JOB, CONCURRENCY, measureCompletions } from './measure';

const queue = new Bull('maintenance', process.env.REDIS_URL as string, { prefix: `${process.env.REDIS_KEY_PREFIX}bull` });
void queue.process(BENCH_JOB, CONCURRENCY, async () => {
  // A no-op job, as in the wrapper's consumer.
});
void queue.isReady().then(() => measureCompletions(queue));
