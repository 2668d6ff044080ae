import type { HealthApp, HealthStatus } from '@ppt/api-db';
import { scrubText } from '@ppt/observability';

/** The dependency name of an app's own readiness verdict (up = its /health/ready answers 200). */
export const READY = 'ready';

/** Longest error text kept per sample: enough for "connect ECONNREFUSED 10.0.0.7:6379", never a dump. */
export const MAX_ERROR_LENGTH = 300;

/** Outages listed per dependency (the most recent); `outageCount` counts them all. */
export const MAX_OUTAGES_LISTED = 100;

/**
 * An error message as it may be stored and shown to operators: no credentials of a connection URL,
 * no e-mail addresses or bearer values, one line, bounded.
 */
export function scrubError(message: string): string {
  const text = scrubText(message).replace(/\s+/g, ' ').trim();
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Consecutive samples of one app's dependency with the same status, oldest first. */
export interface StatusRun {
  app: HealthApp;
  dependency: string;
  status: HealthStatus;
  firstAt: Date;
  lastAt: Date;
  samples: number;
}

export interface Outage {
  /** The first sample that was down. */
  start: string;
  /** The first sample up again; null while it is still down at the end of the range. */
  end: string | null;
  /** Down samples in a row. */
  samples: number;
}

export interface DependencyUptime {
  app: HealthApp;
  dependency: string;
  samples: number;
  downSamples: number;
  /** Samples up / samples (0–1). */
  uptime: number;
  lastStatus: HealthStatus;
  lastRecordedAt: string;
  outageCount: number;
  /** The most recent MAX_OUTAGES_LISTED, oldest first. */
  outages: Outage[];
}

/**
 * Uptime and outages per app and dependency from its status runs (each dependency's runs in time
 * order, as the repository returns them): an outage is a run of down samples, from its first down
 * sample to the next up one.
 */
export function uptimeOf(runs: StatusRun[]): DependencyUptime[] {
  const byDependency = new Map<string, StatusRun[]>();
  for (const run of runs) {
    const key = `${run.app}\u0000${run.dependency}`;
    const list = byDependency.get(key);
    if (list) list.push(run);
    else byDependency.set(key, [run]);
  }
  return [...byDependency.values()].map((ordered) => {
    const samples = ordered.reduce((sum, r) => sum + r.samples, 0);
    const down = ordered.filter((r) => r.status === 'down');
    const downSamples = down.reduce((sum, r) => sum + r.samples, 0);
    const outages = ordered.flatMap((run, i): Outage[] =>
      run.status === 'down'
        ? [
            {
              start: run.firstAt.toISOString(),
              end: ordered[i + 1]?.firstAt.toISOString() ?? null,
              samples: run.samples,
            },
          ]
        : [],
    );
    const last = ordered[ordered.length - 1]!;
    return {
      app: last.app,
      dependency: last.dependency,
      samples,
      downSamples,
      uptime: Math.round(((samples - downSamples) / samples) * 10_000) / 10_000,
      lastStatus: last.status,
      lastRecordedAt: last.lastAt.toISOString(),
      outageCount: outages.length,
      outages: outages.slice(-MAX_OUTAGES_LISTED),
    };
  });
}
