import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { contextOfCarrier, currentTraceCarrier, processHistogram } from '@ppt/observability';
import * as Sentry from '@sentry/nestjs';
import Bull, { type Job, type JobOptions } from 'bull';

/** The key of job data under which a job carries the trace context of the work that enqueued it. */
export const TRACE_CONTEXT_KEY = 'traceContext';

/** What the processor wrapper reports of each job execution (job statistics, error reporting). */
export interface JobExecution {
  queue: string;
  name: string;
  jobId: string;
  organizationId?: string;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
  startedAt: Date;
  durationMs: number;
  outcome: 'completed' | 'failed';
  error?: unknown;
  traceId?: string;
}

/** Job runs by queue, job name and outcome (job names are constants: bounded cardinality). */
const jobDuration = processHistogram<'queue' | 'name' | 'outcome'>({
  name: 'bull_job_duration_seconds',
  help: 'Bull job executions by queue, job name and outcome (completed, failed), with their duration',
  labelNames: ['queue', 'name', 'outcome'],
  buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300],
});

type ExecutionListener = (execution: JobExecution) => void;
const listeners = new Set<ExecutionListener>();

/** Calls `listener` after every job execution in this process; returns the unsubscribe function. */
export function onJobExecuted(listener: ExecutionListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

type Handler = (job: Job, done?: (err?: Error | null, value?: unknown) => void) => unknown;
interface QueueInternals {
  name: string;
  add(...args: unknown[]): Promise<Job>;
  setHandler(name: string, handler: Handler | string): void;
}

let installed = false;

/**
 * Makes every Bull job of this process part of the trace that caused it, in one place rather than in
 * each producer and processor:
 * - `Queue#add` stores the active W3C trace context in the job's data (`traceContext`) unless the data
 *   already carries one (the outbox relay passes the context stored with the event at write time).
 *   Repeatable jobs carry none: each run is a trace of its own, not a child of the worker's start.
 * - every processor (`Queue#setHandler`, which `@Process()` handlers reach through `Queue#process`)
 *   runs inside a consumer span whose parent is that context, so its logs, queries, outbound calls
 *   and the jobs it adds belong to the same trace; the execution is then reported to `onJobExecuted`.
 * Idempotent; QueueModule.forRoot() installs it.
 */
export function traceBullJobs(): void {
  if (installed) return;
  installed = true;
  onJobExecuted(reportJobFailure);
  const proto = (Bull as unknown as { prototype: QueueInternals }).prototype;

  const add = proto.add;
  proto.add = function (this: QueueInternals, ...args: unknown[]) {
    // add(name, data, opts) or add(data, opts)
    const at = typeof args[0] === 'string' ? 1 : 0;
    args[at] = withTraceContext(args[at], args[at + 1] as JobOptions | undefined);
    return add.apply(this, args);
  };

  const setHandler = proto.setHandler;
  proto.setHandler = function (this: QueueInternals, name: string, handler: Handler | string) {
    if (typeof handler !== 'function') return setHandler.call(this, name, handler);
    const run =
      handler.length > 1
        ? (job: Job) =>
            new Promise<unknown>((resolve, reject) =>
              handler.call(this, job, (err, value) => (err ? reject(err) : resolve(value))),
            )
        : (job: Job) => handler.call(this, job);
    return setHandler.call(this, name, (job: Job) => runTraced(this.name, job, () => run(job)));
  };
}

/** Job data with the active trace context added (plain-object data without one, non-repeatable jobs). */
export function withTraceContext(data: unknown, opts?: JobOptions): unknown {
  if (opts?.repeat) return data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  if (TRACE_CONTEXT_KEY in data) return data;
  const carrier = currentTraceCarrier();
  return carrier ? { ...data, [TRACE_CONTEXT_KEY]: carrier } : data;
}

const tracer = trace.getTracer('@ppt/queue');

async function runTraced(queue: string, job: Job, run: () => unknown): Promise<unknown> {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const organizationId = typeof data.organizationId === 'string' ? data.organizationId : undefined;
  const attributes: Attributes = {
    'messaging.system': 'bull',
    'messaging.operation.type': 'process',
    'messaging.destination.name': queue,
    'messaging.message.id': String(job.id),
    'bull.job.name': job.name,
    'bull.job.attempt': job.attemptsMade + 1,
  };
  if (organizationId) attributes['organization.id'] = organizationId;
  const parent = contextOfCarrier(data[TRACE_CONTEXT_KEY]);
  return tracer.startActiveSpan(
    `process ${queue} ${job.name}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      const startedAt = new Date();
      const report = (outcome: JobExecution['outcome'], error?: unknown) => {
        const execution: JobExecution = {
          queue,
          name: job.name,
          jobId: String(job.id),
          organizationId,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          startedAt,
          durationMs: Date.now() - startedAt.getTime(),
          outcome,
          error,
          traceId: span.spanContext().traceId,
        };
        jobDuration.observe({ queue, name: job.name, outcome }, execution.durationMs / 1000);
        for (const listener of listeners) {
          try {
            listener(execution);
          } catch {
            // A broken listener must not fail the job it observes.
          }
        }
      };
      try {
        const result = await run();
        report('completed');
        return result;
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
        report('failed', err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A failed job run goes to Sentry (when it is on: SENTRY_DSN) with the queue, job name, job id,
 * attempt, organisation and trace id; the event is scrubbed by beforeSend like every other.
 */
function reportJobFailure(execution: JobExecution): void {
  if (execution.outcome !== 'failed' || !Sentry.getClient()) return;
  Sentry.withScope((scope) => {
    scope.setTag('job.queue', execution.queue);
    scope.setTag('job.name', execution.name);
    scope.setTag('job.id', execution.jobId);
    scope.setTag('job.attempt', String(execution.attempt));
    if (execution.organizationId) scope.setTag('organization_id', execution.organizationId);
    if (execution.traceId) scope.setTag('trace_id', execution.traceId);
    scope.setTransactionName(`job ${execution.queue} ${execution.name}`);
    Sentry.captureException(execution.error);
  });
}
