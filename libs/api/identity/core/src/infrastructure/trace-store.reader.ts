import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CoreEnv } from '@ppt/config';
import { serviceUnavailable } from '@ppt/observability';
import { Pool } from 'pg';

export interface TraceSearch {
  from: Date;
  to: Date;
  service?: string;
  operation?: string;
  minDurationMs?: number;
  status?: string;
  limit: number;
  offset: number;
}

export interface TraceSummaryRow {
  trace_id: string;
  total: string;
  started_at: Date;
  duration_ms: number;
  span_count: string;
  error_count: string;
  services: string[];
  root_service: string;
  root_operation: string;
}

export interface SpanRow {
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  kind: number;
  start_time: Date;
  duration_ms: number;
  status: string;
  status_message: string | null;
  attributes: Record<string, unknown>;
}

export interface JobStatsRow {
  queue: string;
  name: string;
  runs: string;
  completed: string;
  failed: string;
  retries: string;
  dead_letters: string;
  p50: number;
  p95: number;
}

/** Spans of one trace read at most (a runaway trace must not fill the answer or the memory). */
export const MAX_SPANS_PER_TRACE = 5000;

/**
 * Reads the PostgreSQL trace store (TRACE_STORE_DATABASE_URL; written by every service's
 * TraceStoreProcessor, schema in @ppt/observability). Its own small pool: the store is another
 * database, and a slow trace query must not hold connections of the application's pool.
 */
@Injectable()
export class TraceStoreReader implements OnApplicationShutdown {
  private pool: Pool | undefined;

  constructor(private readonly env: CoreEnv) {}

  async search(q: TraceSearch): Promise<TraceSummaryRow[]> {
    // Spans of a matched trace may start a little outside the range (a job that ran later).
    const { rows } = await this.query<TraceSummaryRow>(
      `WITH matched AS (
         SELECT trace_id, max(start_time) AS last_start
           FROM traces.spans
          WHERE start_time >= $1 AND start_time < $2
            AND ($3::text IS NULL OR service = $3)
            AND ($4::text IS NULL OR name = $4)
            AND ($5::float8 IS NULL OR duration_ms >= $5)
            AND ($6::text IS NULL OR status = $6)
          GROUP BY trace_id
       ), page AS (
         SELECT trace_id, last_start, count(*) OVER () AS total
           FROM matched ORDER BY last_start DESC, trace_id LIMIT $7 OFFSET $8
       )
       SELECT p.trace_id, p.total, min(s.start_time) AS started_at,
              max(extract(epoch FROM s.start_time) * 1000 + s.duration_ms)
                - min(extract(epoch FROM s.start_time) * 1000) AS duration_ms,
              count(*) AS span_count, count(*) FILTER (WHERE s.status = 'error') AS error_count,
              array_agg(DISTINCT s.service) AS services,
              (array_agg(s.service ORDER BY s.start_time))[1] AS root_service,
              (array_agg(s.name ORDER BY s.start_time))[1] AS root_operation
         FROM page p
         JOIN traces.spans s ON s.trace_id = p.trace_id
                            AND s.start_time >= $1::timestamptz - interval '1 day'
                            AND s.start_time < $2::timestamptz + interval '1 day'
        GROUP BY p.trace_id, p.total, p.last_start
        ORDER BY p.last_start DESC, p.trace_id`,
      [
        q.from,
        q.to,
        q.service ?? null,
        q.operation ?? null,
        q.minDurationMs ?? null,
        q.status ?? null,
        q.limit,
        q.offset,
      ],
    );
    return rows;
  }

  async spansOf(traceId: string): Promise<SpanRow[]> {
    const { rows } = await this.query<SpanRow>(
      `SELECT span_id, parent_span_id, service, name, kind, start_time, duration_ms, status, status_message,
              attributes
         FROM traces.spans WHERE trace_id = $1 ORDER BY start_time, span_id LIMIT $2`,
      [traceId, MAX_SPANS_PER_TRACE],
    );
    return rows;
  }

  async jobStats(from: Date, to: Date, queue?: string): Promise<JobStatsRow[]> {
    const { rows } = await this.query<JobStatsRow>(
      `SELECT queue, name, count(*) AS runs,
              count(*) FILTER (WHERE outcome = 'completed') AS completed,
              count(*) FILTER (WHERE outcome = 'failed') AS failed,
              count(*) FILTER (WHERE attempt > 1) AS retries,
              count(*) FILTER (WHERE outcome = 'failed' AND attempt >= max_attempts) AS dead_letters,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM traces.job_runs
        WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR queue = $3)
        GROUP BY queue, name
        ORDER BY queue, name`,
      [from, to, queue ?? null],
    );
    return rows;
  }

  /** Runs, failures and dead letters (failed last attempts) in a range, of every job or one queue/job (alert rules). */
  async jobOutcomes(
    from: Date,
    to: Date,
    queue?: string,
    job?: string,
  ): Promise<{ runs: number; failed: number; deadLetters: number }> {
    const { rows } = await this.query<{ runs: string; failed: string; dead_letters: string }>(
      `SELECT count(*) AS runs,
              count(*) FILTER (WHERE outcome = 'failed') AS failed,
              count(*) FILTER (WHERE outcome = 'failed' AND attempt >= max_attempts) AS dead_letters
         FROM traces.job_runs
        WHERE started_at >= $1 AND started_at < $2
          AND ($3::text IS NULL OR queue = $3) AND ($4::text IS NULL OR name = $4)`,
      [from, to, queue ?? null, job ?? null],
    );
    const row = rows[0];
    return { runs: Number(row?.runs ?? 0), failed: Number(row?.failed ?? 0), deadLetters: Number(row?.dead_letters ?? 0) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
  }

  private async query<T>(sql: string, params: unknown[]): Promise<{ rows: T[] }> {
    if (!this.env.TRACE_STORE_DATABASE_URL) throw serviceUnavailable('No trace store is configured', 3600);
    this.pool ??= new Pool({
      connectionString: this.env.TRACE_STORE_DATABASE_URL,
      max: 2,
      application_name: 'trace-store-reader',
      statement_timeout: 10_000,
    });
    try {
      return (await this.pool.query(sql, params)) as unknown as { rows: T[] };
    } catch (err) {
      // 42P01: the store has no table yet (no service has written to it).
      if ((err as { code?: string }).code === '42P01') return { rows: [] };
      throw serviceUnavailable('The trace store is unavailable');
    }
  }
}
