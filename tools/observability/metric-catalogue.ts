import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

/**
 * What the dashboards and rules of docker/observability/ may query: the metrics the code defines
 * (`name:` and `labelNames:` of processCounter/processHistogram/processGauge, or of a prom-client
 * `new Counter({…})`), prom-client's default process metrics, the series the recording rules produce
 * and Prometheus' own `up`. A renamed metric or label makes the PromQL that still names the old one
 * fail the tests.
 */
export const ROOT = join(__dirname, '../..');
export const OBSERVABILITY = join(ROOT, 'docker/observability');
export const RULES_DIR = join(OBSERVABILITY, 'prometheus/rules');
export const DASHBOARDS_DIR = join(OBSERVABILITY, 'grafana/dashboards');

/** Labels a series may carry; null = not checked (default metrics, recorded series). */
export type Catalogue = Map<string, Set<string> | null>;
type Kind = 'Counter' | 'Gauge' | 'Histogram';

/** Prometheus adds these to every scraped series (the scrape job and the target). */
const TARGET_LABELS = ['job', 'instance'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /(?<!\.(spec|int-spec|e2e-spec))\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every metric the code defines, by name: its kind and label names. */
export function metricsInCode(): Map<string, { kind: Kind; labels: string[] }> {
  const found = new Map<string, { kind: Kind; labels: string[] }>();
  for (const file of [...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:process|new )(Counter|Gauge|Histogram)(?:<[^>]*>)?\(\{([\s\S]*?)\}\)/g,
    )) {
      const name = /\bname:\s*'([a-z_:][a-z0-9_:]*)'/.exec(m[2])?.[1];
      if (!name) throw new Error(`${file}: a ${m[1]} without a literal name`);
      const labels = /\blabelNames:\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? '';
      found.set(name, { kind: m[1] as Kind, labels: [...labels.matchAll(/'([^']+)'/g)].map((l) => l[1]) });
    }
  }
  return found;
}

/** The series a metric of a kind exposes (a histogram's _bucket carries `le`). */
function seriesOf(name: string, kind: string, labels: string[] | null, into: Catalogue): void {
  const withTarget = labels && new Set([...labels, ...TARGET_LABELS]);
  if (kind.toLowerCase() !== 'histogram') return void into.set(name, withTarget);
  into.set(`${name}_bucket`, withTarget && new Set([...withTarget, 'le']));
  into.set(`${name}_sum`, withTarget);
  into.set(`${name}_count`, withTarget);
}

/** Names the recording rules of docker/observability/prometheus/rules define. */
export function recordedSeries(): string[] {
  return ruleFiles().flatMap((file) =>
    ruleGroups(file).flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))),
  );
}

export async function catalogue(): Promise<Catalogue> {
  const result: Catalogue = new Map();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of await registry.getMetricsAsJSON())
    seriesOf(metric.name, String(metric.type), null, result);
  for (const [name, { kind, labels }] of metricsInCode()) seriesOf(name, kind, labels, result);
  for (const name of recordedSeries()) result.set(name, null);
  result.set('up', new Set(TARGET_LABELS));
  return result;
}

export interface RuleGroup {
  name: string;
  rules: {
    record?: string;
    alert?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}
export const ruleFiles = () =>
  readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(RULES_DIR, f));
export const ruleGroups = (file: string): RuleGroup[] => parse(readFileSync(file, 'utf8')).groups;

const AGGREGATIONS = new Set(
  'sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio'.split(
    ' ',
  ),
);
const KEYWORDS = new Set(
  'by without on ignoring group_left group_right bool and or unless offset atan2 inf nan'.split(' '),
);

/**
 * The series selectors of a PromQL expression with the label names they match on, and the labels it
 * groups by. Enough of PromQL's lexical rules for our expressions: strings, ranges and numbers are
 * dropped first, then a name followed by `(` is a function and the rest are metric names.
 */
export function selectorsOf(expr: string): {
  selectors: { metric: string; labels: string[] }[];
  grouping: string[];
} {
  const grouping: string[] = [];
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_match, list: string) => {
      grouping.push(
        ...list
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      );
      return ' ';
    });
  const selectors: { metric: string; labels: string[] }[] = [];
  for (const m of text.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?(\s*\()?/g)) {
    const [, name, braces, call] = m;
    if (call && !braces) continue;
    if (AGGREGATIONS.has(name) || KEYWORDS.has(name.toLowerCase())) continue;
    const labels = [...(braces ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]);
    selectors.push({ metric: name, labels });
  }
  return { selectors, grouping };
}

/** What an expression names that the catalogue does not have: unknown metrics and labels. */
export function unknownNames(expr: string, known: Catalogue): string[] {
  const { selectors, grouping } = selectorsOf(expr);
  const problems: string[] = [];
  for (const { metric, labels } of selectors) {
    if (!known.has(metric)) {
      problems.push(`unknown metric ${metric}`);
      continue;
    }
    const allowed = known.get(metric);
    for (const label of labels)
      if (allowed && !allowed.has(label)) problems.push(`${metric} has no label ${label}`);
  }
  // Grouping labels must come from one of the selected series, unless a series' labels are not known.
  const labelSets = selectors.map((s) => known.get(s.metric));
  if (!/label_(replace|join)/.test(expr) && labelSets.length > 0 && labelSets.every((s) => s)) {
    const union = new Set(labelSets.flatMap((s) => [...(s as Set<string>)]));
    for (const label of grouping)
      if (!union.has(label)) problems.push(`no selected series has label ${label}`);
  }
  return problems;
}

/** The Debian package's binary; tools/lib/services.mjs (ensurePromtool) installs it for npm test. */
export const PROMTOOL = process.env['PROMTOOL_PATH'] || '/usr/bin/promtool';

/** Runs promtool; a missing promtool fails with how to get it rather than skipping. */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Error(
      `promtool is not at ${PROMTOOL}: install Debian's prometheus package (\`sudo apt-get install -y prometheus\`; ` +
        'npm test installs it when run as root) or set PROMTOOL_PATH. The Prometheus rules cannot be checked without it.',
    );
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}
