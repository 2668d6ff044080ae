import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CoreEnv } from '@ppt/config';
import { ensurePartitions, ensureTraceStoreSchema, processCounter } from '@ppt/observability';
import { Pool } from 'pg';
import { onJobExecuted, type JobExecution } from './job-tracing';

/** Job runs waiting for a write; beyond it they are dropped and counted (a job never waits for this). */
const MAX_QUEUE = 10_000;
const BATCH = 500;
const FLUSH_MS = 1000;

const dropped = processCounter<'reason'>({
  name: 'job_runs_dropped_total',
  help: 'Job executions not recorded in the job statistics: queue_full, write_failed',
  labelNames: ['reason'],
});

/**
 * Recorders of this process's apps; the first records every run. A process running two apps (tests
 * boot the server and its worker together) would otherwise count each run once per app.
 */
const liveRecorders: JobRunRecorder[] = [];
let unsubscribe: (() => void) | undefined;

type Row = [
  string,
  string,
  string,
  string | null,
  number,
  number,
  string,
  number,
  string,
  string | null,
  string | null,
];

/**
 * Records every job execution of this process (the processor wrapper's `onJobExecuted`) in the
 * telemetry store's `traces.job_runs` (TRACE_STORE_DATABASE_URL; day partitions kept as long as the
 * spans), for GET /infrastructure/jobs/stats. Batched off the job's path like the span writer; a
 * process that runs no job never connects. Off without a store.
 */
@Injectable()
export class JobRunRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobRunRecorder.name);
  private readonly rows: Row[] = [];
  private pool: Pool | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private schemaReady = false;

  constructor(private readonly env: CoreEnv) {}

  onModuleInit(): void {
    if (!this.env.TRACE_STORE_DATABASE_URL) return;
    liveRecorders.push(this);
    unsubscribe ??= onJobExecuted((execution) => liveRecorders[0]?.record(execution));
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    const index = liveRecorders.indexOf(this);
    if (index >= 0) liveRecorders.splice(index, 1);
    if (liveRecorders.length === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
    clearInterval(this.timer);
    await this.flush();
    await this.pool?.end().catch(() => undefined);
  }

  record(e: JobExecution): void {
    if (this.rows.length >= MAX_QUEUE) {
      dropped.inc({ reason: 'queue_full' });
      return;
    }
    this.rows.push([
      e.queue,
      e.name,
      e.jobId,
      e.organizationId && /^[0-9a-f-]{36}$/i.test(e.organizationId) ? e.organizationId : null,
      e.attempt,
      e.maxAttempts,
      e.startedAt.toISOString(),
      e.durationMs,
      e.outcome,
      e.outcome === 'failed' ? errorCodeOf(e.error) : null,
      e.traceId ?? null,
    ]);
  }

  /** Writes what is waiting (tests call it to read their own runs back at once). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      while (this.rows.length > 0) await this.write(this.rows.splice(0, BATCH));
    });
    return this.writing;
  }

  private async write(batch: Row[], retry = true): Promise<void> {
    this.pool ??= new Pool({
      connectionString: this.env.TRACE_STORE_DATABASE_URL,
      max: 1,
      application_name: 'job-runs',
    });
    try {
      if (!this.schemaReady) {
        await ensureTraceStoreSchema(this.pool);
        await ensurePartitions(this.pool);
        this.schemaReady = true;
      }
      const columns = batch[0]!.map((_, i) => batch.map((row) => row[i]));
      await this.pool.query(
        `INSERT INTO traces.job_runs (queue, name, job_id, organization_id, attempt, max_attempts, started_at,
                                      duration_ms, outcome, error_code, trace_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::int[],
                              $7::timestamptz[], $8::float8[], $9::text[], $10::text[], $11::text[])`,
        columns,
      );
    } catch (err) {
      if (retry && (err as { code?: string }).code === '23514') {
        this.schemaReady = false;
        return this.write(batch, false);
      }
      dropped.inc({ reason: 'write_failed' }, batch.length);
      this.logger.warn({ err }, 'Could not record job runs');
    }
  }
}

/** The error's code (AppError, pg, node) or its class name; never its message (it may hold data). */
function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.length <= 100) return code;
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name.slice(0, 100) : 'UNKNOWN';
}
