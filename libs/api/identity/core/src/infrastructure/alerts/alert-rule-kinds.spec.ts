import type { AlertRule } from '@ppt/api-db';
import {
  compileMatchers,
  holds,
  MAX_REGEX_LENGTH,
  parseMatcher,
  ruleProblems,
  type LabelMatcher,
} from './alert-rule-kinds';
import { promqlOf } from './prometheus-rules';

describe('ruleProblems', () => {
  it('accepts a well-formed rule of each kind', () => {
    expect(
      ruleProblems('job_failure_rate', { windowSeconds: 300, queue: 'maintenance', job: 'x' }, 0.5),
    ).toEqual([]);
    expect(ruleProblems('queue_backlog_age', { queue: 'notifications' }, 600)).toEqual([]);
    expect(
      ruleProblems(
        'metric_threshold',
        {
          windowSeconds: 60,
          metric: 'bull_queue_jobs',
          matchers: ['state="failed"', 'queue=~"noti.*"'],
          aggregation: 'max',
        },
        10,
      ),
    ).toEqual([]);
  });

  it('names every problem with its field', () => {
    expect(ruleProblems('error_rate', { windowSeconds: 86_401, extra: true }, -0.1)).toEqual([
      { field: 'params.extra', message: 'should not exist' },
      { field: 'params.windowSeconds', message: 'must not be greater than 86400' },
      { field: 'threshold', message: 'must be a share between 0 and 1 for error_rate' },
    ]);
    expect(ruleProblems('queue_backlog_age', {}, -1)).toEqual([
      { field: 'params.queue', message: expect.stringContaining('must be one of') },
      { field: 'threshold', message: 'must not be negative for queue_backlog_age' },
    ]);
    expect(ruleProblems('sso_failure_rate', { windowSeconds: 60, 'a(b': 1 }, 0.1)).toEqual([
      { field: 'params.a(b', message: 'should not exist' },
    ]);
    expect(ruleProblems('sso_failure_rate', [], 0.1)).toEqual([
      { field: 'params', message: 'must be an object' },
    ]);
    expect(
      ruleProblems(
        'metric_threshold',
        { windowSeconds: 60, metric: 'up', matchers: ['a=~"("'], aggregation: 'p99' },
        1,
      ),
    ).toEqual([
      { field: 'params.metric', message: 'must be a known metric (see docs/observability.md)' },
      { field: 'params.aggregation', message: expect.stringContaining('must be one of') },
      { field: 'params.matchers.0', message: '"a=~"("": the regular expression does not compile' },
    ]);
  });
});

describe('label matchers', () => {
  it('parses the four operators and refuses the rest', () => {
    expect(parseMatcher('status=~"5.."')).toEqual({ label: 'status', op: '=~', value: '5..' });
    expect(parseMatcher('route!="/a\\"b"')).toEqual({ label: 'route', op: '!=', value: '/a"b' });
    expect(parseMatcher('status=500')).toEqual(expect.stringContaining('is not a label matcher'));
    expect(parseMatcher('__name__="x"')).toEqual(expect.stringContaining('reserved'));
  });

  it.each([
    ['(?=a)a', 'lookahead'],
    ['(?!b).*', 'lookahead'],
    ['(?<=a)b', 'lookbehind'],
    ['(?<!a)b', 'lookbehind'],
    ['(a)\\\\1', 'backreferences'],
    ['(?<x>a)\\\\k<x>', 'backreferences'],
    ['(a+)+$', 'repeated group'],
    ['(a*)*', 'repeated group'],
    ['(a+)*', 'repeated group'],
    ['(x(a{2,})b)+', 'repeated group'],
    ['a'.repeat(MAX_REGEX_LENGTH + 1), `longer than ${MAX_REGEX_LENGTH}`],
  ])('refuses the regular expression %s (RE2 lacks it or it backtracks catastrophically)', (re, reason) => {
    expect(parseMatcher(`route=~"${re}"`)).toEqual(expect.stringContaining(reason));
    expect(parseMatcher(`route!~"${re}"`)).toEqual(expect.stringContaining(reason));
  });

  it('accepts ordinary regular expressions and matches them anchored, as Prometheus does', () => {
    for (const re of ['5..', 'invalid|unavailable', '/api/(v1|v2)/.+', '[+*]+', 'a\\\\(+', '(ab)+', 'x{2,3}'])
      expect(parseMatcher(`route=~"${re}"`)).toEqual({
        label: 'route',
        op: '=~',
        value: re.replace(/\\(.)/g, '$1'),
      });
    const status5xx = compileMatchers([parseMatcher('status=~"5.."') as LabelMatcher]);
    expect(status5xx({ status: '503' })).toBe(true);
    expect(status5xx({ status: '1503' })).toBe(false);
    const notHealth = compileMatchers([
      parseMatcher('route!~"/health|/ready"') as LabelMatcher,
      parseMatcher('method="GET"') as LabelMatcher,
    ]);
    expect(notHealth({ route: '/api/health', method: 'GET' })).toBe(true);
    expect(notHealth({ route: '/health', method: 'GET' })).toBe(false);
    expect(notHealth({ route: '/api', method: 'POST' })).toBe(false);
  });

  it('reports a refused pattern on the matcher field, so saving the rule answers 422', () => {
    expect(
      ruleProblems(
        'metric_threshold',
        {
          windowSeconds: 60,
          metric: 'http_requests_total',
          matchers: ['route=~"(a+)+$"'],
          aggregation: 'sum',
        },
        1,
      ),
    ).toEqual([{ field: 'params.matchers.0', message: expect.stringContaining('repeated group') }]);
  });
});

describe('holds', () => {
  it('compares as the comparator says', () => {
    expect(holds(0.5, '>', 0.5)).toBe(false);
    expect(holds(0.5, '>=', 0.5)).toBe(true);
    expect(holds(1, '<', 2)).toBe(true);
    expect(holds(2, '<=', 1)).toBe(false);
  });
});

describe('promqlOf', () => {
  const rule = (kind: string, params: Record<string, unknown>) => ({ kind, params }) as unknown as AlertRule;

  it('writes each expressible kind as PromQL, label values quoted', () => {
    expect(promqlOf(rule('job_failure_rate', { windowSeconds: 300, queue: 'maintenance' }))).toBe(
      'sum(rate(bull_job_duration_seconds_count{queue="maintenance",outcome="failed"}[300s])) / sum(rate(bull_job_duration_seconds_count{queue="maintenance"}[300s]))',
    );
    expect(
      promqlOf(
        rule('metric_threshold', {
          windowSeconds: 60,
          metric: 'db_query_duration_seconds',
          matchers: ['repository="a\\"b"'],
          aggregation: 'max',
        }),
      ),
    ).toBe('max(rate(db_query_duration_seconds_count{repository="a\\"b"}[60s]))');
    expect(
      promqlOf(
        rule('metric_threshold', { windowSeconds: 60, metric: 'outbox_lag_seconds', aggregation: 'max' }),
      ),
    ).toBe('max(outbox_lag_seconds)');
    expect(promqlOf(rule('queue_backlog_age', { queue: 'maintenance' }))).toBeNull();
  });
});
