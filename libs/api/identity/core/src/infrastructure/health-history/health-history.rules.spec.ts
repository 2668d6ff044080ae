import {
  MAX_ERROR_LENGTH,
  MAX_OUTAGES_LISTED,
  scrubError,
  uptimeOf,
  type StatusRun,
} from './health-history.rules';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 12, minute));
const run = (
  dependency: string,
  status: 'up' | 'down',
  firstMinute: number,
  samples: number,
  app: StatusRun['app'] = 'api-server',
): StatusRun => ({
  app,
  dependency,
  status,
  firstAt: at(firstMinute),
  lastAt: at(firstMinute + samples - 1),
  samples,
});

describe('uptimeOf', () => {
  it('counts samples, down samples and uptime, and lists each down run from its first down sample to the next up one', () => {
    const [redis] = uptimeOf([
      run('redis', 'up', 0, 10),
      run('redis', 'down', 10, 3),
      run('redis', 'up', 13, 5),
      run('redis', 'down', 18, 2),
    ]);
    expect(redis).toEqual({
      app: 'api-server',
      dependency: 'redis',
      samples: 20,
      downSamples: 5,
      uptime: 0.75,
      lastStatus: 'down',
      lastRecordedAt: at(19).toISOString(),
      outageCount: 2,
      outages: [
        { start: at(10).toISOString(), end: at(13).toISOString(), samples: 3 },
        // Still down at the end of the range.
        { start: at(18).toISOString(), end: null, samples: 2 },
      ],
    });
  });

  it('keeps apps and dependencies apart; one never down has uptime 1 and no outages', () => {
    const summary = uptimeOf([
      run('database', 'up', 0, 4),
      run('database', 'up', 0, 4, 'reality-server'),
      run('redis', 'down', 0, 1, 'reality-server'),
      run('redis', 'up', 1, 3, 'reality-server'),
    ]);
    expect(summary.map((s) => [s.app, s.dependency, s.uptime, s.outageCount])).toEqual([
      ['api-server', 'database', 1, 0],
      ['reality-server', 'database', 1, 0],
      ['reality-server', 'redis', 0.75, 1],
    ]);
    expect(summary[2]!.outages).toEqual([
      { start: at(0).toISOString(), end: at(1).toISOString(), samples: 1 },
    ]);
  });

  it('rounds uptime to four decimals and lists only the most recent outages', () => {
    const flapping = Array.from({ length: MAX_OUTAGES_LISTED + 5 }, (_, i) => [
      run('redis', 'up', i * 3, 2),
      run('redis', 'down', i * 3 + 2, 1),
    ]).flat();
    const [redis] = uptimeOf(flapping);
    expect(redis!.uptime).toBe(0.6667);
    expect(redis!.outageCount).toBe(MAX_OUTAGES_LISTED + 5);
    expect(redis!.outages).toHaveLength(MAX_OUTAGES_LISTED);
    expect(redis!.outages[0]!.start).toBe(at(5 * 3 + 2).toISOString());
  });
});

describe('scrubError', () => {
  it('removes URL credentials, e-mail addresses and bearer values, and keeps one bounded line', () => {
    // The local stack's own credentials (the secrets gate allows only these in the repository).
    expect(scrubError('connect to postgres://ppt_api:ppt_api@127.0.0.1:5432/ppt failed\n  at x')).toBe(
      'connect to postgres://[scrubbed]@127.0.0.1:5432/ppt failed at x',
    );
    expect(scrubError('user ops@example.com sent Bearer abc.def')).toBe(
      'user [email] sent Bearer [scrubbed]',
    );
    const long = scrubError('x'.repeat(1000));
    expect(long).toHaveLength(MAX_ERROR_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
