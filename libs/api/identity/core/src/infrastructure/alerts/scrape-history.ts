import { MAX_WINDOW_SECONDS, matches, type LabelMatcher, type MetricAggregation } from './alert-rule-kinds';
import type { PromSample } from './prometheus-text';

interface Snapshot {
  at: number;
  /** Samples of every scraped target, each labelled with its `instance` (the target's URL). */
  samples: PromSample[];
}

const seriesKey = (s: PromSample) => JSON.stringify([s.name, Object.entries(s.labels).sort()]);

/**
 * Scrapes of the configured targets over the longest window (24 h), kept in the evaluating worker's
 * memory, so counters can be turned into increases and rates over a rule's window as Prometheus does
 * (counter resets handled; no extrapolation). A worker that restarts starts with no history: a rate
 * rule has no value (and changes no alert) until two scrapes lie inside its window.
 */
export class ScrapeHistory {
  private readonly snapshots: Snapshot[] = [];

  record(at: Date, samples: PromSample[]): void {
    this.snapshots.push({ at: at.getTime(), samples });
    const oldest = at.getTime() - MAX_WINDOW_SECONDS * 1000;
    while (this.snapshots.length > 0 && this.snapshots[0]!.at < oldest) this.snapshots.shift();
  }

  /** Per matching series: its increase over the window (null: fewer than two scrapes in the window). */
  increases(name: string, matchers: LabelMatcher[], windowSeconds: number, now: Date): number[] | null {
    const inWindow = this.snapshots.filter((s) => s.at >= now.getTime() - windowSeconds * 1000 && s.at <= now.getTime());
    if (inWindow.length < 2) return null;
    const perSeries = new Map<string, number[]>();
    for (const snapshot of inWindow) {
      for (const sample of snapshot.samples) {
        if (sample.name !== name || !matchers.every((m) => matches(sample.labels, m))) continue;
        const key = seriesKey(sample);
        perSeries.set(key, [...(perSeries.get(key) ?? []), sample.value]);
      }
    }
    return [...perSeries.values()].map((values) =>
      values.reduce((sum, v, i) => (i === 0 ? 0 : sum + (v >= values[i - 1]! ? v - values[i - 1]! : v)), 0),
    );
  }

  /** Values of the matching series in the latest scrape (null: no scrape yet). */
  latest(name: string, matchers: LabelMatcher[]): number[] | null {
    const last = this.snapshots.at(-1);
    if (!last) return null;
    return last.samples
      .filter((s) => s.name === name && matchers.every((m) => matches(s.labels, m)))
      .map((s) => s.value);
  }
}

export function aggregate(values: number[], how: MetricAggregation): number {
  if (values.length === 0) return 0;
  switch (how) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}
