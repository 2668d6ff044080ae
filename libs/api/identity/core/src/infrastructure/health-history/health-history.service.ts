import { Injectable } from '@nestjs/common';
import { HEALTH_APPS, type HealthApp, type HealthStatus } from '@ppt/api-db';
import { InfrastructureError } from '../infrastructure.errors';
import { rangeOf } from '../traces.service';
import { uptimeOf, type DependencyUptime } from './health-history.rules';
import { HealthSamplesRepository, type SampleKey } from './health-samples.repository';

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
  /** The range has samples of the app. */
  recorded: boolean;
  /** Why there may be none. */
  reason: string | null;
}

/**
 * Why an app may have no samples. Told from the data, not this process's configuration: the worker
 * records, and its configuration (or its being down) is what counts.
 */
const NOT_RECORDED: Record<HealthApp, string> = {
  'api-server': 'No samples in the range: the api worker records them each minute (is it running?)',
  'reality-server':
    'No samples in the range: the api worker records reality-server only when HEALTH_HISTORY_REALITY_SERVER_URL is set',
};

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
  constructor(private readonly samples: HealthSamplesRepository) {}

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
      apps: HEALTH_APPS.filter((app) => !query.app || app === query.app).map((app) => {
        const recorded = runs.some((r) => r.app === app);
        return { app, recorded, reason: recorded ? null : NOT_RECORDED[app] };
      }),
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

const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
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
    // Years 1970–9999: any time a sample can have, and none PostgreSQL would refuse as out of range.
    const time = recordedAt.getTime();
    if (time >= 0 && time <= LAST_TIME && typeof id === 'string' && UUID.test(id)) return { recordedAt, id };
  }
  throw new InfrastructureError('INVALID_CURSOR', 'cursor is not a nextCursor of an earlier page', [
    { field: 'cursor', message: 'must be a nextCursor' },
  ]);
}
