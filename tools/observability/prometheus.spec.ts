import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  catalogue,
  OBSERVABILITY,
  promtool,
  ROOT,
  ruleFiles,
  ruleGroups,
  selectorsOf,
  unknownNames,
  type Catalogue,
} from './metric-catalogue';

/**
 * docker/observability/prometheus: the scrape config, the SLO recording rules and the alerts, checked by
 * Prometheus' own promtool (check config, check rules, and the unit tests of tests/alerts.test.yml that
 * feed synthetic series to the burn-rate and operational alerts), and against the metrics the code has.
 */
const PROMETHEUS = join(OBSERVABILITY, 'prometheus');
const config = () => parse(readFileSync(join(PROMETHEUS, 'prometheus.yml'), 'utf8'));
const rules = () =>
  ruleFiles().flatMap((file) => ruleGroups(file).flatMap((g) => g.rules.map((rule) => ({ file, ...rule }))));

describe('Prometheus configuration and rules', () => {
  let known: Catalogue;
  beforeAll(async () => {
    known = await catalogue();
  });

  it('promtool accepts the scrape config and every rule file it loads', () => {
    const checked = promtool(['check', 'config', 'prometheus.yml'], PROMETHEUS);
    expect({ status: checked.status, output: checked.output }).toMatchObject({ status: 0 });
    for (const file of ruleFiles())
      expect(checked.output).toContain(`Checking ${file.slice(PROMETHEUS.length + 1)}`);
  });

  it('promtool check rules passes on each rules file', () => {
    for (const file of ruleFiles()) {
      const checked = promtool(['check', 'rules', file], PROMETHEUS);
      expect({ file, status: checked.status, output: checked.output }).toMatchObject({ file, status: 0 });
    }
  });

  it('the alert unit tests pass: burn-rate tiers fire and stop as the SRE workbook method says, operational alerts fire', () => {
    const tested = promtool(['test', 'rules', 'tests/alerts.test.yml'], PROMETHEUS);
    expect({ status: tested.status, output: tested.output }).toMatchObject({ status: 0 });
  });

  it('the unit tests evaluate every rule group in a fixed order (promtool orders unlisted groups at random)', () => {
    const tests = parse(readFileSync(join(PROMETHEUS, 'tests/alerts.test.yml'), 'utf8'));
    const groups = ruleFiles().flatMap((file) => ruleGroups(file).map((g) => g.name));
    expect([...tests.group_eval_order].sort()).toEqual(groups.sort());
    expect(tests.rule_files.map((f: string) => join(PROMETHEUS, 'tests', f)).sort()).toEqual(
      ruleFiles().sort(),
    );
  });

  it('the unit tests catch a wrong burn-rate threshold (they can fail)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'ppt-prometheus-'));
    try {
      cpSync(PROMETHEUS, copy, { recursive: true });
      const alerts = join(copy, 'rules/slo-alerts.yml');
      writeFileSync(alerts, readFileSync(alerts, 'utf8').replaceAll('(14.4 * (1 -', '(20 * (1 -'));
      const tested = promtool(['test', 'rules', 'tests/alerts.test.yml'], copy);
      expect(tested.status).not.toBe(0);
      expect(tested.output).toContain('ApiAvailabilityBudgetBurn');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('scrapes each server and worker as its own job, the label the SLO rules and dashboards select on', () => {
    const jobs = config().scrape_configs.map(
      (c: { job_name: string; static_configs: { targets: string[] }[] }) => [
        c.job_name,
        c.static_configs.flatMap((s) => s.targets),
      ],
    );
    expect(jobs).toEqual([
      ['api-server', ['api-server:3000']],
      ['api-worker', ['api-worker:3100']],
      ['reality-server', ['reality-server:3001']],
      ['reality-worker', ['reality-worker:3101']],
    ]);
  });

  it('has a burn-rate alert for availability and latency of each API at the four tiers of the workbook', () => {
    const tiers = rules()
      .filter((r) => r.alert?.endsWith('BudgetBurn'))
      .map(
        (r) =>
          `${r.labels?.['slo']} ${r.labels?.['burn_rate']}x ${r.labels?.['long_window']}/${r.labels?.['short_window']} ${r.labels?.['severity']}`,
      );
    expect(tiers.sort()).toEqual(
      [
        'availability 14.4x 1h/5m page',
        'availability 6x 6h/30m page',
        'availability 3x 1d/2h ticket',
        'availability 1x 3d/6h ticket',
        'latency 14.4x 1h/5m page',
        'latency 6x 6h/30m page',
        'latency 3x 1d/2h ticket',
        'latency 1x 3d/6h ticket',
      ].sort(),
    );
    const objectives = rules().filter((r) => r.record?.endsWith(':objective'));
    expect(objectives.map((r) => `${r.record} ${r.labels?.['job']}`).sort()).toEqual([
      'job:slo_availability:objective api-server',
      'job:slo_availability:objective reality-server',
      'job:slo_latency:objective api-server',
      'job:slo_latency:objective reality-server',
    ]);
  });

  it('every alert has a severity and a runbook section that exists in docs/runbooks.md', () => {
    const anchors = new Set(
      [...readFileSync(join(ROOT, 'docs/runbooks.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of rules().filter((r) => r.alert)) {
      const runbook = rule.annotations?.['runbook_url'] ?? '';
      expect({ alert: rule.alert, severity: rule.labels?.['severity'] }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(page|ticket)$/),
      });
      expect({
        alert: rule.alert,
        runbook,
        exists: anchors.has(runbook.replace('docs/runbooks.md#', '')),
      }).toEqual({
        alert: rule.alert,
        runbook: expect.stringMatching(/^docs\/runbooks\.md#/),
        exists: true,
      });
    }
  });

  it('every rule queries only metrics and labels the code defines', () => {
    const problems = rules().flatMap((r) =>
      unknownNames(r.expr, known).map(
        (p) => `${r.alert ?? r.record} (${r.file.slice(ROOT.length + 1)}): ${p}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the metric check fails on a renamed metric or label, and reads selectors the way PromQL does', () => {
    expect(unknownNames('sum(rate(http_request_total{status=~"5.."}[5m]))', known)).toEqual([
      'unknown metric http_request_total',
    ]);
    expect(
      unknownNames('sum by (queue, job_name) (rate(bull_job_duration_seconds_count{queue="x"}[5m]))', known),
    ).toEqual(['no selected series has label job_name']);
    expect(unknownNames('rate(http_requests_total{path="/x"}[5m])', known)).toEqual([
      'http_requests_total has no label path',
    ]);
    expect(
      selectorsOf(
        'histogram_quantile(0.95, sum by (le) (rate(a_bucket{x="by (y)"}[5m] offset 1h))) > 1e3 and on (job) b',
      ),
    ).toEqual({
      selectors: [
        { metric: 'a_bucket', labels: ['x'] },
        { metric: 'b', labels: [] },
      ],
      grouping: ['le', 'job'],
    });
  });
});
