import type { ErrorDetail } from '@ppt/observability';
import { ALL_QUEUES } from '@ppt/queue';
import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';

export const ALERT_RULE_KINDS = [
  'error_rate',
  'job_failure_rate',
  'queue_backlog_age',
  'dead_letter_growth',
  'sso_failure_rate',
  'metric_threshold',
] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

export const ALERT_COMPARATORS = ['>', '>=', '<', '<='] as const;
export type AlertComparator = (typeof ALERT_COMPARATORS)[number];

export const ALERT_SEVERITIES = ['warning', 'critical'] as const;

/** Evaluation windows: at least a minute (the evaluation interval), at most a day. */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 86_400;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * The Prometheus metrics a `metric_threshold` rule may name, with their type (a counter is alerted on
 * its rate, a gauge on its value, a histogram on its `_count` rate). A rule naming anything else is
 * refused: a typo would otherwise never fire.
 */
export const ALERTABLE_METRICS: Readonly<Record<string, MetricType>> = {
  http_requests_total: 'counter',
  http_request_duration_seconds: 'histogram',
  bull_queue_jobs: 'gauge',
  bull_job_duration_seconds: 'histogram',
  job_runs_dropped_total: 'counter',
  outbox_events_published_total: 'counter',
  outbox_publish_failures_total: 'counter',
  outbox_lag_seconds: 'gauge',
  sso_validation_total: 'counter',
  sso_shared_answers_rejected_total: 'counter',
  syndication_portal_calls_total: 'counter',
  syndication_drift_total: 'counter',
  trace_store_spans_dropped_total: 'counter',
  trace_store_queue_spans: 'gauge',
  ws_connections: 'gauge',
  ws_closed_total: 'counter',
  db_pool_connections: 'gauge',
  db_query_duration_seconds: 'histogram',
  redis_command_duration_seconds: 'histogram',
  listings_published_total: 'counter',
  faults_opened_total: 'counter',
  votes_closed_total: 'counter',
};

export const METRIC_AGGREGATIONS = ['sum', 'avg', 'max', 'min'] as const;
export type MetricAggregation = (typeof METRIC_AGGREGATIONS)[number];

/** A PromQL label matcher: `label="value"`, `!=`, `=~` or `!~` (regular expressions fully anchored). */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const MATCHER = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"$/;

/** Longest regular expression a matcher may hold: matching cost grows with it, and the exported rules file is read by people. */
export const MAX_REGEX_LENGTH = 200;

/** The matcher `raw` stands for, or why it is not one. */
export function parseMatcher(raw: string): LabelMatcher | string {
  const m = MATCHER.exec(raw.trim());
  if (!m) return `"${raw}" is not a label matcher (label="value", label!="value", label=~"re" or label!~"re")`;
  const [, label, op, quoted] = m as unknown as [string, string, LabelMatcher['op'], string];
  const value = quoted.replace(/\\(.)/g, '$1');
  if (label.startsWith('__')) return `"${label}": labels starting with __ are reserved`;
  if (op === '=~' || op === '!~') {
    const problem = regexProblem(value);
    if (problem) return `"${raw}": ${problem}`;
  }
  return { label, op, value };
}

/**
 * Why a matcher's regular expression is refused (null: it is fine). It runs in JavaScript here and in
 * Prometheus (RE2) from the exported rules file, so syntax RE2 lacks (lookaround, backreferences) is
 * refused, and so are quantified groups that contain a quantifier (`(a+)+`): the usual catastrophic
 * backtracking shape. A structural check, not a proof: `(a|a)*` still backtracks (the length cap bounds it).
 */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > MAX_REGEX_LENGTH) return `the regular expression is longer than ${MAX_REGEX_LENGTH} characters`;
  if (/\(\?[=!]|\?<[=!]/.test(pattern)) return 'lookahead and lookbehind are not supported (Prometheus uses RE2)';
  if (hasBackreference(pattern)) return 'backreferences are not supported (Prometheus uses RE2)';
  if (hasNestedQuantifier(pattern)) return 'a repeated group must not itself contain a repetition, e.g. (a+)+';
  try {
    new RegExp(`^(?:${pattern})$`);
  } catch {
    return 'the regular expression does not compile';
  }
  return null;
}

/** `\1`–`\9` or `\k<name>` outside a character class (an escaped backslash is skipped). */
function hasBackreference(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<'))) return true;
      i++;
    } else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
  }
  return false;
}

/** A group holding `+`, `*` or `{n,m}` (at any depth) that is itself followed by one of them. */
function hasNestedQuantifier(pattern: string): boolean {
  const quantifiedInside: boolean[] = [false];
  let inClass = false;
  const isQuantifier = (c: string | undefined) => c === '+' || c === '*' || c === '{';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') quantifiedInside.push(false);
    else if (c === ')' && quantifiedInside.length > 1) {
      const inner = quantifiedInside.pop()!;
      if (inner && isQuantifier(pattern[i + 1])) return true;
      if (inner) quantifiedInside[quantifiedInside.length - 1] = true;
    } else if (isQuantifier(c)) quantifiedInside[quantifiedInside.length - 1] = true;
  }
  return false;
}

/** A test of a series' labels against all `matchers`, regular expressions compiled once (anchored, as Prometheus does). */
export function compileMatchers(matchers: readonly LabelMatcher[]): (labels: Record<string, string>) => boolean {
  const tests = matchers.map((m): ((actual: string) => boolean) => {
    switch (m.op) {
      case '=':
        return (actual) => actual === m.value;
      case '!=':
        return (actual) => actual !== m.value;
      case '=~': {
        const re = new RegExp(`^(?:${m.value})$`);
        return (actual) => re.test(actual);
      }
      case '!~': {
        const re = new RegExp(`^(?:${m.value})$`);
        return (actual) => !re.test(actual);
      }
    }
  });
  return (labels) => matchers.every((m, i) => tests[i]!(labels[m.label] ?? ''));
}

class Windowed {
  @IsInt()
  @Min(MIN_WINDOW_SECONDS)
  @Max(MAX_WINDOW_SECONDS)
  windowSeconds!: number;
}

/** Share of HTTP answers with a 5xx status (http_requests_total), optionally of one route template. */
export class ErrorRateParams extends Windowed {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  route?: string;
}

/** Share of failed job runs (the trace store's job_runs), optionally of one queue and job name. */
export class JobFailureRateParams extends Windowed {
  @IsOptional()
  @IsIn(ALL_QUEUES)
  queue?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9:._-]{1,100}$/, { message: 'must be a job name' })
  job?: string;
}

/** Age in seconds of the oldest job waiting in a Bull queue (0 when none waits). */
export class QueueBacklogAgeParams {
  @IsIn(ALL_QUEUES)
  queue!: string;
}

/** Jobs that failed for good (dead letters) within the window, optionally of one queue. */
export class DeadLetterGrowthParams extends Windowed {
  @IsOptional()
  @IsIn(ALL_QUEUES)
  queue?: string;
}

/** Share of portal SSO validations that were invalid or unavailable (sso_validation_total). */
export class SsoFailureRateParams extends Windowed {}

/** A named metric, filtered by label matchers and aggregated (a counter's rate per second over the window). */
export class MetricThresholdParams extends Windowed {
  @IsString()
  @IsIn(Object.keys(ALERTABLE_METRICS), { message: 'must be a known metric (see docs/observability.md)' })
  metric!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  matchers?: string[];

  @IsIn(METRIC_AGGREGATIONS)
  aggregation!: MetricAggregation;
}

const PARAMS_OF: Record<AlertRuleKind, new () => object> = {
  error_rate: ErrorRateParams,
  job_failure_rate: JobFailureRateParams,
  queue_backlog_age: QueueBacklogAgeParams,
  dead_letter_growth: DeadLetterGrowthParams,
  sso_failure_rate: SsoFailureRateParams,
  metric_threshold: MetricThresholdParams,
};

/** Kinds whose value is a share (0–1): a threshold outside that range could never or would always hold. */
const RATIO_KINDS: readonly AlertRuleKind[] = ['error_rate', 'job_failure_rate', 'sso_failure_rate'];

/**
 * Why a rule's kind-specific parts are broken (empty: they are fine): params per kind (unknown
 * fields refused), label matcher syntax, and a threshold that suits the kind.
 */
export function ruleProblems(kind: AlertRuleKind, params: unknown, threshold: number): ErrorDetail[] {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return [{ field: 'params', message: 'must be an object' }];
  const instance = plainToInstance(PARAMS_OF[kind], params);
  const problems = flatten(
    validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }),
    'params',
  );
  const matchers = (params as { matchers?: unknown }).matchers;
  if (kind === 'metric_threshold' && Array.isArray(matchers)) {
    matchers.forEach((raw, i) => {
      const parsed = typeof raw === 'string' ? parseMatcher(raw) : 'must be a string';
      if (typeof parsed === 'string') problems.push({ field: `params.matchers.${i}`, message: parsed });
    });
  }
  if (RATIO_KINDS.includes(kind) && (threshold < 0 || threshold > 1))
    problems.push({ field: 'threshold', message: `must be a share between 0 and 1 for ${kind}` });
  if (!RATIO_KINDS.includes(kind) && threshold < 0)
    problems.push({ field: 'threshold', message: `must not be negative for ${kind}` });
  return problems;
}

function flatten(errors: ValidationError[], path: string): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = `${path}.${e.property}`;
    // class-validator starts its messages with the property ("windowSeconds must…", "property x should…").
    const own = Object.values(e.constraints ?? {}).map((message) => {
      const prefix = [`property ${e.property} `, `${e.property} `].find((p) => message.startsWith(p));
      return { field, message: prefix ? message.slice(prefix.length) : message };
    });
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function holds(value: number, comparator: AlertComparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
