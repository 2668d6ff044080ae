import { Injectable } from '@nestjs/common';
import type { HealthApp, HealthStatus } from '@ppt/db';
import { InfrastructureError } from '../infrastructure.errors';
import { rangeOf } from '../traces.service';
import { uptimeOf, type DependencyUptime } from './health-history.rules';
import { HealthSamplesRepository, type SampleKey } from './health-samples.repository';
import { RealityServerProbe } from './reality-server.probe';

export interface HealthHistoryQuery {
  from?: string;
  to?: string;
  app?: HealthApp;
  dependency?: string;
  limit: number;
  cursor?: string;
}

export interface HealthSampleView {
  recordedAt: string;
  app: HealthApp;
  dependency: string;
  status: HealthStatus;
  latencyMs: number;
  error: string | null;
}

export interface AppRecording {
  app: HealthApp;
  recorded: boolean;
  /** Why the app is not recorded. */
  reason: string | null;
}

export interface DependencySummary extends DependencyUptime {
  p95LatencyMs: number;
}

export interface HealthHistory {
  from: string;
  to: string;
  apps: AppRecording[];
  summary: DependencySummary[];
  items: HealthSampleView[];
  limit: number;
  nextCursor: string | null;
}

/** The recorded health history for platform admins: samples a page at a time, uptime per dependency. */
@Injectable()
export class HealthHistoryService {
  constructor(
    private readonly samples: HealthSamplesRepository,
    private readonly realityServer: RealityServerProbe,
  ) {}

  async history(query: HealthHistoryQuery, now = new Date()): Promise<HealthHistory> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const filter = { ...rangeOf(query.from, query.to, now), app: query.app, dependency: query.dependency };
    const [rows, runs, p95] = await Promise.all([
      this.samples.page(filter, query.limit + 1, after),
      this.samples.statusRuns(filter),
      this.samples.p95Latency(filter),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      apps: [
        { app: 'api-server', recorded: true, reason: null },
        this.realityServer.configured
          ? { app: 'reality-server', recorded: true, reason: null }
          : {
              app: 'reality-server',
              recorded: false,
              reason: 'HEALTH_HISTORY_REALITY_SERVER_URL is not set',
            },
      ],
      summary: uptimeOf(runs).map((u) => ({
        ...u,
        p95LatencyMs: Math.round((p95.get(`${u.app}/${u.dependency}`) ?? 0) * 10) / 10,
      })),
      items: page.map((s) => ({
        recordedAt: s.recordedAt.toISOString(),
        app: s.app,
        dependency: s.dependency,
        status: s.status,
        latencyMs: s.latencyMs,
        error: s.error,
      })),
      limit: query.limit,
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ recordedAt: last.recordedAt, id: last.id }) : null,
    };
  }
}

/**
 * A cursor is the last sample's (recorded_at, id) as base64url JSON: not a secret and unsigned, since
 * any well-formed cursor only says where in the time order to continue.
 */
export function encodeCursor(key: SampleKey): string {
  return Buffer.from(JSON.stringify([key.recordedAt.toISOString(), key.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(cursor: string): SampleKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [at, id] = parsed as unknown[];
    const recordedAt = typeof at === 'string' ? new Date(at) : new Date(NaN);
    if (!Number.isNaN(recordedAt.getTime()) && typeof id === 'string' && UUID.test(id))
      return { recordedAt, id };
  }
  throw new InfrastructureError('INVALID_CURSOR', 'cursor is not a nextCursor of an earlier page', [
    { field: 'cursor', message: 'must be a nextCursor' },
  ]);
}
