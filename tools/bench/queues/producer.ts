// Adds no-op jobs at a steady rate (BENCH_RATE per second) from the parent's `go` until killed (tools/bench/queues.mjs starts it).
// For the wrapper (BENCH_TARGET ≠ raw) the add goes through traceBullJobs' patched Queue#add with
// DEFAULT_JOB_OPTIONS, as the app's producers do; raw Bull's producer adds with Bull's defaults.
import { DEFAULT_JOB_OPTIONS, QueueName, traceBullJobs } from '@ppt/queue';
import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { BENCH_JOB } from './measure';

const RATE = Number(process.env.BENCH_RATE ?? 2500);
/** More adds in flight than this and the producer waits (Redis is slower than the rate). */
const MAX_IN_FLIGHT = 2000;
const wrapped = process.env.BENCH_TARGET !== 'raw';
if (wrapped) traceBullJobs();
const queue = new Bull(QueueName.Maintenance, process.env.REDIS_URL as string, {
  prefix: `${process.env.REDIS_KEY_PREFIX}bull`,
  ...(wrapped ? { defaultJobOptions: DEFAULT_JOB_OPTIONS } : {}),
});
const organizationId = randomUUID();
let added = 0;
let inFlight = 0;

/** From the parent's `go` until killed. */
function produce(): void {
  const startedAt = Date.now();
  setInterval(() => {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE) - added;
    for (let i = 0; i < due && inFlight < MAX_IN_FLIGHT; i++) {
      added++;
      inFlight++;
      void queue
        .add(BENCH_JOB, { organizationId, seq: added })
        .catch((err: Error) => process.stderr.write(`add failed: ${err.message}\n`))
        .finally(() => inFlight--);
    }
  }, 5);
}

process.on('message', (message: string) => {
  if (message === 'go') produce();
});
void queue.isReady().then(() => process.send?.('ready'));
