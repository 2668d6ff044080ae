import { OptionalDependencies, withOptional } from './optional-dependencies';

describe('optional readiness dependencies', () => {
  const db = { status: 'up' as const, latencyMs: 1 };
  const ok = { status: 'ok' as const, info: { database: db }, error: {}, details: { database: db } };

  it('reports an optional dependency that is down as degraded, keeping the required ones as they are', () => {
    const down = { status: 'down' as const, latencyMs: 2, error: 'ECONNREFUSED' };
    expect(withOptional(ok, [['api-server', down]])).toEqual({
      status: 'degraded',
      info: { database: db },
      error: { 'api-server': down },
      details: { database: db, 'api-server': down },
    });
  });

  it('stays ok when optional dependencies are up, and never hides a required failure', () => {
    const up = { status: 'up' as const, latencyMs: 3 };
    expect(withOptional(ok, [['api-server', up]])).toMatchObject({
      status: 'ok',
      info: { 'api-server': up },
    });
    const failing = { ...ok, status: 'error' as const };
    expect(withOptional(failing, [['api-server', up]]).status).toBe('error');
  });

  it('reports a check that throws as down instead of failing the probe', async () => {
    const registry = new OptionalDependencies();
    registry.add({ name: 'flaky', check: () => Promise.reject(new Error('boom')) });
    expect(await registry.checkAll()).toEqual([['flaky', { status: 'down', latencyMs: 0, error: 'boom' }]]);
  });
});
