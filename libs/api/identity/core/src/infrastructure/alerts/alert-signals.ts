import { getQueueToken } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AlertRule } from '@ppt/api-db';
import { withTimeout } from '@ppt/observability';
import type { Queue } from 'bull';
import { TraceStoreReader } from '../trace-store.reader';
import {
  ALERTABLE_METRICS,
  parseMatcher,
  type AlertRuleKind,
  type LabelMatcher,
  type MetricThresholdParams,
} from './alert-rule-kinds';
import { AlertsEnv } from './alerts.env';
import { parsePrometheusText } from './prometheus-text';
import { aggregate, ScrapeHistory, type Retention } from './scrape-history';

/** The value a rule's condition is checked on, and the series it is about (the instance's fingerprint). */
export interface Signal {
  value: number;
  fingerprint: string;
}

/** Kinds computed from the scraped Prometheus metrics (the others read the trace store or Bull). */
const SCRAPED_KINDS: readonly AlertRuleKind[] = ['error_rate', 'sso_failure_rate', 'metric_threshold'];
const SCRAPE_TIMEOUT_MS = 5000;
const MAX_SCRAPE_BYTES = 4 * 1024 * 1024;

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const fingerprintOf = (parts: Record<string, string | undefined>) =>
  Object.entries(parts)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || 'all';

/**
 * Computes each rule kind's value: job failure rate and dead letters from the trace store's job
 * runs, backlog age from Bull, the rest from the scraped metrics. Throws with a readable reason when
 * the value cannot be known (the evaluator records it as the rule's last error).
 */
@Injectable()
export class AlertSignals {
  private readonly history = new ScrapeHistory();

  constructor(
    private readonly store: TraceStoreReader,
    private readonly moduleRef: ModuleRef,
    private readonly env: AlertsEnv,
  ) {}

  /** Whether the rule's value comes from the scraped metrics. */
  isScraped(rule: AlertRule): boolean {
    return SCRAPED_KINDS.includes(rule.kind as AlertRuleKind);
  }

  /**
   * Scrapes every target once (all or nothing: a partial scrape would read as a counter reset),
   * keeping only the metrics the enabled scraped `rules` read.
   */
  async scrape(now: Date, rules: readonly AlertRule[]): Promise<void> {
    if (this.env.ALERT_SCRAPE_URLS.length === 0) throw new Error('no scrape targets (ALERT_SCRAPE_URLS)');
    const perTarget = await Promise.all(
      this.env.ALERT_SCRAPE_URLS.map(async (url) => {
        const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS), redirect: 'error' });
        if (!res.ok) throw new Error(`scraping ${url} answered HTTP ${res.status}`);
        const text = await res.text();
        if (text.length > MAX_SCRAPE_BYTES) throw new Error(`scraping ${url}: more than 4 MiB`);
        return parsePrometheusText(text).map((s) => ({ ...s, labels: { ...s.labels, instance: url } }));
      }),
    );
    this.history.record(now, perTarget.flat(), this.retention(rules));
  }

  /** Each metric name the scraped rules read, with the longest window it is read over (0: a gauge's latest value). */
  private retention(rules: readonly AlertRule[]): Retention {
    const longest = new Map<string, number>();
    const need = (name: string, seconds: number) =>
      longest.set(name, Math.max(longest.get(name) ?? 0, seconds));
    for (const rule of rules.filter((r) => this.isScraped(r))) {
      const windowSeconds = Number((rule.params as { windowSeconds?: number }).windowSeconds);
      switch (rule.kind as AlertRuleKind) {
        case 'error_rate':
          need('http_requests_total', windowSeconds);
          break;
        case 'sso_failure_rate':
          need('sso_validation_total', windowSeconds);
          break;
        case 'metric_threshold': {
          const { metric } = rule.params as unknown as MetricThresholdParams;
          const type = ALERTABLE_METRICS[metric];
          need(type === 'histogram' ? `${metric}_count` : metric, type === 'gauge' ? 0 : windowSeconds);
          break;
        }
      }
    }
    return longest;
  }

  async signal(rule: AlertRule, now: Date): Promise<Signal> {
    const p = rule.params as Record<string, string | number | string[] | undefined>;
    const windowSeconds = Number(p['windowSeconds']);
    const from = new Date(now.getTime() - windowSeconds * 1000);
    switch (rule.kind as AlertRuleKind) {
      case 'job_failure_rate': {
        const queue = p['queue'] as string | undefined;
        const job = p['job'] as string | undefined;
        const o = await this.store.jobOutcomes(from, now, queue, job);
        return { value: share(o.failed, o.runs), fingerprint: fingerprintOf({ queue, job }) };
      }
      case 'dead_letter_growth': {
        const queue = p['queue'] as string | undefined;
        const o = await this.store.jobOutcomes(from, now, queue);
        return { value: o.deadLetters, fingerprint: fingerprintOf({ queue }) };
      }
      case 'queue_backlog_age': {
        const queue = p['queue'] as string;
        return { value: await this.oldestWaitingAge(queue, now), fingerprint: fingerprintOf({ queue }) };
      }
      case 'error_rate': {
        const route = p['route'] as string | undefined;
        const byRoute: LabelMatcher[] = route ? [{ label: 'route', op: '=', value: route }] : [];
        const failed = this.increase(
          'http_requests_total',
          [...byRoute, { label: 'status', op: '=~', value: '5..' }],
          windowSeconds,
          now,
        );
        const all = this.increase('http_requests_total', byRoute, windowSeconds, now);
        return { value: share(failed, all), fingerprint: fingerprintOf({ route }) };
      }
      case 'sso_failure_rate': {
        const failed = this.increase(
          'sso_validation_total',
          [{ label: 'result', op: '=~', value: 'invalid|unavailable' }],
          windowSeconds,
          now,
        );
        const all = this.increase('sso_validation_total', [], windowSeconds, now);
        return { value: share(failed, all), fingerprint: 'all' };
      }
      case 'metric_threshold':
        return this.metric(rule.params as unknown as MetricThresholdParams, now);
    }
  }

  private metric(p: MetricThresholdParams, now: Date): Signal {
    const matchers = (p.matchers ?? []).map((raw) => parseMatcher(raw) as LabelMatcher);
    const fingerprint = [p.metric, ...(p.matchers ?? [])].join(',');
    const type = ALERTABLE_METRICS[p.metric];
    if (type === 'gauge') {
      const values = this.history.latest(p.metric, matchers);
      if (values === null) throw new Error('no scrape yet');
      return { value: aggregate(values, p.aggregation), fingerprint };
    }
    const series = type === 'histogram' ? `${p.metric}_count` : p.metric;
    const increases = this.history.increases(series, matchers, p.windowSeconds, now);
    if (increases === null) throw new Error(`fewer than two scrapes in the last ${p.windowSeconds} s`);
    return {
      value: aggregate(
        increases.map((i) => i / p.windowSeconds),
        p.aggregation,
      ),
      fingerprint,
    };
  }

  private increase(name: string, matchers: LabelMatcher[], windowSeconds: number, now: Date): number {
    const increases = this.history.increases(name, matchers, windowSeconds, now);
    if (increases === null) throw new Error(`fewer than two scrapes in the last ${windowSeconds} s`);
    return sum(increases);
  }

  /** Seconds since the oldest waiting job was added (0 when none waits). */
  private async oldestWaitingAge(name: string, now: Date): Promise<number> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    // Ascending from the oldest end of the wait and paused lists: at most one job of each.
    const oldest = (await withTimeout(queue.getWaiting(0, 0), 2000)).filter(Boolean);
    if (oldest.length === 0) return 0;
    return Math.max(0, (now.getTime() - Math.min(...oldest.map((j) => j.timestamp))) / 1000);
  }
}
