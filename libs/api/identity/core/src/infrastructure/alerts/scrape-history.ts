import { compileMatchers, type LabelMatcher, type MetricAggregation } from './alert-rule-kinds';
import type { PromSample } from './prometheus-text';

/** One series' scraped values, oldest first (times in ms). */
interface Series {
  labels: Record<string, string>;
  times: number[];
  values: number[];
}

/**
 * Per metric name, how many seconds back its samples are needed: the longest window of the enabled
 * rules that read it (0: only the latest value). A name missing here is not kept at all.
 */
export type Retention = ReadonlyMap<string, number>;

const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

/** Index of the last time at or before `time` (-1: none); `times` ascending. */
function lastAtOrBefore(times: readonly number[], time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! <= time) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/**
 * Scrapes of the configured targets, kept in the evaluating worker's memory so counters can be turned
 * into increases and rates over a rule's window as Prometheus does (counter resets handled; no
 * extrapolation). Only the metric names the enabled rules read are kept, each for its longest window
 * plus the one scrape at or before the window's start (so a 60 s window still spans two scrapes when
 * scrapes drift a little past 60 s apart). A worker that restarts starts with no history: a rate rule
 * has no value (and changes no alert) until two scrapes span its window.
 */
export class ScrapeHistory {
  private readonly scrapeTimes: number[] = [];
  private readonly byName = new Map<string, Map<string, Series>>();

  record(at: Date, samples: readonly PromSample[], retention: Retention): void {
    const now = at.getTime();
    this.scrapeTimes.push(now);
    for (const sample of samples) {
      if (!retention.has(sample.name)) continue;
      let named = this.byName.get(sample.name);
      if (!named) this.byName.set(sample.name, (named = new Map()));
      const key = seriesKey(sample.labels);
      let series = named.get(key);
      if (!series) named.set(key, (series = { labels: sample.labels, times: [], values: [] }));
      series.times.push(now);
      series.values.push(sample.value);
    }
    this.prune(now, retention);
  }

  /** Per matching series: its increase over the window (null: fewer than two scrapes span the window). */
  increases(name: string, matchers: readonly LabelMatcher[], windowSeconds: number, now: Date): number[] | null {
    const end = now.getTime();
    const start = end - windowSeconds * 1000;
    const span = (times: readonly number[]) => ({
      first: Math.max(lastAtOrBefore(times, start), 0),
      last: lastAtOrBefore(times, end),
    });
    const scrapes = span(this.scrapeTimes);
    if (scrapes.last - scrapes.first < 1) return null;
    const matching = compileMatchers(matchers);
    const increases: number[] = [];
    for (const series of this.byName.get(name)?.values() ?? []) {
      if (!matching(series.labels)) continue;
      const { first, last } = span(series.times);
      let increase = 0;
      for (let i = first + 1; i <= last; i++) {
        const [before, after] = [series.values[i - 1]!, series.values[i]!];
        increase += after >= before ? after - before : after; // smaller: the counter was reset
      }
      increases.push(increase);
    }
    return increases;
  }

  /** Values of the matching series in the latest scrape (null: no scrape yet). */
  latest(name: string, matchers: readonly LabelMatcher[]): number[] | null {
    const last = this.scrapeTimes.at(-1);
    if (last === undefined) return null;
    const matching = compileMatchers(matchers);
    return [...(this.byName.get(name)?.values() ?? [])]
      .filter((s) => s.times.at(-1) === last && matching(s.labels))
      .map((s) => s.values.at(-1)!);
  }

  /** How many sample values are held (what the memory use grows with). */
  retainedSamples(): number {
    let count = 0;
    for (const named of this.byName.values()) for (const series of named.values()) count += series.values.length;
    return count;
  }

  /** Drops what no window needs any more: everything before the last point at or before each window's start. */
  private prune(now: number, retention: Retention): void {
    const longest = Math.max(0, ...retention.values());
    this.scrapeTimes.splice(0, Math.max(lastAtOrBefore(this.scrapeTimes, now - longest * 1000), 0));
    for (const [name, named] of this.byName) {
      const windowSeconds = retention.get(name);
      if (windowSeconds === undefined) {
        this.byName.delete(name);
        continue;
      }
      const start = now - windowSeconds * 1000;
      for (const [key, series] of named) {
        // A series gone from the scrapes since before the window can add nothing to any increase.
        if (series.times.at(-1)! <= start && series.times.at(-1) !== now) {
          named.delete(key);
          continue;
        }
        const stale = Math.max(lastAtOrBefore(series.times, start), 0);
        series.times.splice(0, stale);
        series.values.splice(0, stale);
      }
    }
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
