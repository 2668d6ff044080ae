import { Injectable } from '@nestjs/common';
import type { Page } from '@ppt/http';
import { InfrastructureError } from './infrastructure.errors';
import { TraceStoreReader, type SpanRow } from './trace-store.reader';

/** The longest time range one query may cover (the store keeps 7 days by default). */
export const MAX_RANGE_MS = 7 * 86_400_000;
/** Without `from`, a search covers the last hour. */
export const DEFAULT_RANGE_MS = 3_600_000;

export interface TraceQuery {
  from?: string;
  to?: string;
  service?: string;
  operation?: string;
  minDurationMs?: number;
  status?: 'error' | 'ok' | 'unset';
  limit: number;
  offset: number;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startedAt: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  operation: string;
  kind: string;
  startTime: string;
  /** Milliseconds after the trace's first span started. */
  offsetMs: number;
  durationMs: number;
  status: string;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  children: SpanNode[];
}

export interface TraceTree {
  traceId: string;
  startedAt: string;
  durationMs: number;
  spanCount: number;
  /** Spans whose parent is not in the store (the caller's side of a trace, or an unsampled parent). */
  roots: SpanNode[];
}

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Traces of every service, for platform admins (issue #22, item 2). */
@Injectable()
export class TracesService {
  constructor(private readonly store: TraceStoreReader) {}

  async search(query: TraceQuery, now = new Date()): Promise<Page<TraceSummary>> {
    const { from, to } = rangeOf(query.from, query.to, now);
    const rows = await this.store.search({ ...query, from, to });
    return {
      items: rows.map((r) => ({
        traceId: r.trace_id,
        rootService: r.root_service,
        rootOperation: r.root_operation,
        startedAt: r.started_at.toISOString(),
        durationMs: round(Number(r.duration_ms)),
        spanCount: Number(r.span_count),
        errorCount: Number(r.error_count),
        services: [...r.services].sort(),
      })),
      total: rows.length > 0 ? Number(rows[0]!.total) : 0,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async trace(traceId: string): Promise<TraceTree> {
    const spans = await this.store.spansOf(traceId.toLowerCase());
    if (spans.length === 0) throw new InfrastructureError('TRACE_NOT_FOUND', 'No such trace in the store');
    return treeOf(traceId.toLowerCase(), spans);
  }
}

/** `from`/`to` as dates: `to` defaults to now, `from` to an hour before `to`; at most MAX_RANGE_MS apart. */
export function rangeOf(
  from: string | undefined,
  to: string | undefined,
  now: Date,
): { from: Date; to: Date } {
  const end = to ? new Date(to) : now;
  const start = from ? new Date(from) : new Date(end.getTime() - DEFAULT_RANGE_MS);
  if (start.getTime() >= end.getTime()) {
    throw new InfrastructureError('TIME_RANGE_INVALID', '`from` must be before `to`', [
      { field: 'from', message: 'must be before to' },
    ]);
  }
  if (end.getTime() - start.getTime() > MAX_RANGE_MS) {
    throw new InfrastructureError('TIME_RANGE_INVALID', 'A query may cover at most 7 days', [
      { field: 'from', message: 'must be at most 7 days before to' },
    ]);
  }
  return { from: start, to: end };
}

/** The spans as a tree: children under their parent, in start order; orphans become roots. */
export function treeOf(traceId: string, spans: SpanRow[]): TraceTree {
  const start = Math.min(...spans.map((s) => s.start_time.getTime()));
  const end = Math.max(...spans.map((s) => s.start_time.getTime() + Number(s.duration_ms)));
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) {
    nodes.set(s.span_id, {
      spanId: s.span_id,
      parentSpanId: s.parent_span_id,
      service: s.service,
      operation: s.name,
      kind: KINDS[s.kind] ?? 'internal',
      startTime: s.start_time.toISOString(),
      offsetMs: round(s.start_time.getTime() - start),
      durationMs: round(Number(s.duration_ms)),
      status: s.status,
      statusMessage: s.status_message,
      attributes: s.attributes,
      children: [],
    });
  }
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return {
    traceId,
    startedAt: new Date(start).toISOString(),
    durationMs: round(end - start),
    spanCount: spans.length,
    roots,
  };
}
