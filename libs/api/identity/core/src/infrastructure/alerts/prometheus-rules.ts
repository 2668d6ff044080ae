import type { AlertRule } from '@ppt/api-db';
import { stringify } from 'yaml';
import {
  ALERTABLE_METRICS,
  parseMatcher,
  type AlertRuleKind,
  type LabelMatcher,
  type MetricThresholdParams,
} from './alert-rule-kinds';

/** Kinds that read Bull directly and have no metric Prometheus could evaluate. */
export const NOT_EXPRESSIBLE_IN_PROMQL: readonly AlertRuleKind[] = ['queue_backlog_age'];

const selector = (name: string, matchers: LabelMatcher[]) =>
  matchers.length === 0
    ? name
    : `${name}{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
const eq = (label: string, value: unknown): LabelMatcher[] =>
  typeof value === 'string' ? [{ label, op: '=', value }] : [];
const ratio = (name: string, failed: LabelMatcher[], scope: LabelMatcher[], window: string) =>
  `sum(rate(${selector(name, [...scope, ...failed])}[${window}])) / sum(rate(${selector(name, scope)}[${window}]))`;

/** The PromQL expression of a rule's value, or null when its kind has none. */
export function promqlOf(rule: AlertRule): string | null {
  const p = rule.params as Record<string, unknown>;
  const window = `${Number(p['windowSeconds'])}s`;
  switch (rule.kind as AlertRuleKind) {
    case 'error_rate':
      return ratio(
        'http_requests_total',
        [{ label: 'status', op: '=~', value: '5..' }],
        eq('route', p['route']),
        window,
      );
    case 'job_failure_rate':
      return ratio(
        'bull_job_duration_seconds_count',
        [{ label: 'outcome', op: '=', value: 'failed' }],
        [...eq('queue', p['queue']), ...eq('name', p['job'])],
        window,
      );
    case 'dead_letter_growth':
      // Bull keeps failed jobs: the failed set's growth over the window.
      return `sum(delta(${selector('bull_queue_jobs', [{ label: 'state', op: '=', value: 'failed' }, ...eq('queue', p['queue'])])}[${window}]))`;
    case 'sso_failure_rate':
      return ratio(
        'sso_validation_total',
        [{ label: 'result', op: '=~', value: 'invalid|unavailable' }],
        [],
        window,
      );
    case 'metric_threshold': {
      const m = rule.params as unknown as MetricThresholdParams;
      const matchers = (m.matchers ?? []).map((raw) => parseMatcher(raw) as LabelMatcher);
      const type = ALERTABLE_METRICS[m.metric];
      if (type === 'gauge') return `${m.aggregation}(${selector(m.metric, matchers)})`;
      const series = type === 'histogram' ? `${m.metric}_count` : m.metric;
      return `${m.aggregation}(rate(${selector(series, matchers)}[${window}]))`;
    }
    case 'queue_backlog_age':
      return null;
  }
}

/** A Prometheus alert name (metric-name syntax) unique per rule. */
const alertNameOf = (rule: AlertRule) =>
  `Ppt_${rule.name
    .replace(/[^a-zA-Z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)}_${rule.id.slice(0, 8)}`;

/**
 * The enabled rules as one Prometheus alerting rule group (YAML), for deployments whose Prometheus
 * scrapes every replica and routes through Alertmanager. Rules without a PromQL form are named in a
 * comment instead.
 */
export function prometheusRuleFile(rules: AlertRule[]): string {
  const enabled = rules.filter((r) => r.enabled);
  const expressible = enabled.filter((r) => promqlOf(r) !== null);
  const skipped = enabled.filter((r) => promqlOf(r) === null);
  const doc = {
    groups: [
      {
        name: 'ppt-platform-alerts',
        rules: expressible.map((r) => ({
          alert: alertNameOf(r),
          expr: `(${promqlOf(r)}) ${r.comparator} ${r.threshold}`,
          ...(r.forSeconds > 0 ? { for: `${r.forSeconds}s` } : {}),
          labels: { severity: r.severity, ppt_rule_id: r.id },
          annotations: { summary: r.name, description: `${r.kind} ${r.comparator} ${r.threshold}` },
        })),
      },
    ],
  };
  const header = [
    '# Platform alert rules of the PPT API (GET /api/v1/infrastructure/alert-rules/prometheus).',
    ...skipped.map(
      (r) => `# Not expressible in PromQL, evaluated by the API worker only: ${r.id} (${r.kind})`,
    ),
  ];
  return `${header.join('\n')}\n${stringify(doc)}`;
}
