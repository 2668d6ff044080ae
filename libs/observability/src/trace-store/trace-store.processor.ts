import { SpanKind, SpanStatusCode, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Pool } from 'pg';
import { processCounter, processGauge } from '../process-metrics';
import { dropExpiredPartitions, ensurePartitions, ensureTraceStoreSchema } from './trace-store.schema';

export interface TraceStoreOptions {
  pool: Pool;
  /** Spans waiting for a write; beyond it new spans are dropped (and counted), never waited for. */
  maxQueue: number;
  /** Rows per INSERT. */
  batchSize: number;
  flushIntervalMs: number;
  /** Unsampled entry spans (server, consumer) at least this long are kept all the same. */
  slowMs: number;
  retentionDays: number;
  /** How often partitions are added ahead and expired ones dropped. */
  housekeepingIntervalMs: number;
}

const dropped = processCounter<'reason'>({
  name: 'trace_store_spans_dropped_total',
  help: 'Spans the trace store did not keep: queue_full (the writer is behind), write_failed (PostgreSQL refused or is down)',
  labelNames: ['reason'],
});
const written = processCounter({
  name: 'trace_store_spans_written_total',
  help: 'Spans written to the trace store',
});
const liveProcessors = new Set<{ queueLength(): number }>();
const queued = processGauge({
  name: 'trace_store_queue_spans',
  help: 'Spans waiting to be written to the trace store',
  collect() {
    this.set([...liveProcessors].reduce((n, p) => n + p.queueLength(), 0));
  },
});
void queued;

/** Attributes whose values may hold secrets in a query string; only the path is kept. */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target', 'url.original'];
const MAX_ATTRIBUTE_CHARS = 1000;

/**
 * Writes spans to the PostgreSQL trace store in batches, off the request path: `onEnd` only pushes
 * the finished span onto a bounded queue (dropped and counted when full), a timer writes it with one
 * multi-row INSERT per batch. The tail rule: a span is kept when its trace was sampled (head
 * sampling, OTEL_TRACES_SAMPLER_ARG), and also when it was not but it failed (status error) or it is
 * an entry span (request, job) slower than `slowMs` — the sampler records unsampled entry spans for
 * this (see telemetry.ts), so errors and slow requests are never lost to the ratio.
 */
export class TraceStoreProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private ready: Promise<void>;
  private stopped = false;

  constructor(private readonly options: TraceStoreOptions) {
    liveProcessors.add(this);
    this.ready = this.housekeeping();
    this.flushTimer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.flushTimer.unref();
    this.housekeepingTimer = setInterval(() => void this.housekeeping(), options.housekeepingIntervalMs);
    this.housekeepingTimer.unref();
  }

  onStart(_span: Span, _parentContext: Context): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    if (this.stopped || !this.keeps(span)) return;
    if (this.queue.length >= this.options.maxQueue) {
      dropped.inc({ reason: 'queue_full' });
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.batchSize) void this.flush();
  }

  /** The tail rule (see the class comment). */
  keeps(span: ReadableSpan): boolean {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) return true;
    if (span.status.code === SpanStatusCode.ERROR) return true;
    const entry = span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER;
    return entry && durationMs(span) >= this.options.slowMs;
  }

  /** Writes everything queued so far (one batch after another). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      await this.ready.catch(() => undefined);
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.batchSize);
        await this.write(batch);
      }
    });
    return this.writing;
  }

  queueLength(): number {
    return this.queue.length;
  }

  forceFlush(): Promise<void> {
    return this.flush();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.housekeepingTimer);
    await this.flush();
    this.stopped = true;
    liveProcessors.delete(this);
    await this.options.pool.end().catch(() => undefined);
  }

  /** Adds the coming days' partitions and drops expired ones; failures are retried next time. */
  private async housekeeping(): Promise<void> {
    try {
      await ensureTraceStoreSchema(this.options.pool);
      await ensurePartitions(this.options.pool);
      await dropExpiredPartitions(this.options.pool, this.options.retentionDays);
    } catch {
      // The store is down or refuses: spans are dropped (and counted) until it is back.
    }
  }

  private async write(batch: ReadableSpan[], retry = true): Promise<void> {
    const rows = batch.map(toRow);
    try {
      await this.options.pool.query(
        `INSERT INTO traces.spans (trace_id, span_id, parent_span_id, service, name, kind, start_time,
                                   duration_ms, status, status_message, sampled, attributes)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[],
                              $7::timestamptz[], $8::float8[], $9::text[], $10::text[], $11::boolean[],
                              $12::jsonb[])`,
        COLUMNS.map((column) => rows.map((row) => row[column])),
      );
      written.inc(batch.length);
    } catch (err) {
      // 23514: no partition for a row's day (the clock passed midnight before housekeeping ran).
      if (retry && (err as { code?: string }).code === '23514') {
        await ensurePartitions(this.options.pool).catch(() => undefined);
        return this.write(batch, false);
      }
      dropped.inc({ reason: 'write_failed' }, batch.length);
    }
  }
}

const COLUMNS = [
  'traceId',
  'spanId',
  'parentSpanId',
  'service',
  'name',
  'kind',
  'startTime',
  'durationMs',
  'status',
  'statusMessage',
  'sampled',
  'attributes',
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

function toRow(span: ReadableSpan): Row {
  const context = span.spanContext();
  const parent = (span as ReadableSpan & { parentSpanContext?: { spanId: string } }).parentSpanContext;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parent?.spanId ?? null,
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    name: span.name.slice(0, 300),
    kind: span.kind,
    startTime: new Date(hrTimeToMs(span.startTime)).toISOString(),
    durationMs: durationMs(span),
    status:
      span.status.code === SpanStatusCode.ERROR
        ? 'error'
        : span.status.code === SpanStatusCode.OK
          ? 'ok'
          : 'unset',
    statusMessage: span.status.message?.slice(0, MAX_ATTRIBUTE_CHARS) ?? null,
    sampled: (context.traceFlags & TraceFlags.SAMPLED) !== 0,
    attributes: JSON.stringify(safeAttributes(span.attributes)),
  };
}

function safeAttributes(attributes: ReadableSpan['attributes']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || key === 'url.query') continue;
    let kept: unknown = value;
    if (typeof value === 'string') {
      kept = URL_ATTRIBUTES.includes(key) ? value.split('?')[0] : value;
      kept = (kept as string).slice(0, MAX_ATTRIBUTE_CHARS);
    }
    out[key] = kept;
  }
  return out;
}

function hrTimeToMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}

function durationMs(span: ReadableSpan): number {
  return hrTimeToMs(span.duration);
}
