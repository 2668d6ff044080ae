import type { DependencyStatus } from '@ppt/observability';
import { OptionalDependencies, withOptional } from './optional-dependencies';

describe('optional readiness dependencies', () => {
  const db = { status: 'up' as const, latencyMs: 1 };
  const ok = { status: 'ok' as const, info: { database: db }, error: {}, details: { database: db } };
  const down = { status: 'down' as const, latencyMs: 2, error: 'ECONNREFUSED' };
  const up = { status: 'up' as const, latencyMs: 3 };

  it('reports an optional dependency that is down as degraded, keeping the required ones as they are', () => {
    expect(withOptional(ok, [{ name: 'api-server', status: down, blocking: false }])).toEqual({
      status: 'degraded',
      info: { database: db },
      error: { 'api-server': down },
      details: { database: db, 'api-server': down },
    });
  });

  it('is not ready (error) while a blocking optional dependency is down', () => {
    expect(withOptional(ok, [{ name: 'api-server', status: down, blocking: true }])).toMatchObject({
      status: 'error',
      error: { 'api-server': down },
    });
  });

  it('stays ok when optional dependencies are up, and never hides a required failure', () => {
    expect(withOptional(ok, [{ name: 'api-server', status: up, blocking: false }])).toMatchObject({
      status: 'ok',
      info: { 'api-server': up },
    });
    const failing = { ...ok, status: 'error' as const };
    expect(withOptional(failing, [{ name: 'api-server', status: up, blocking: false }]).status).toBe('error');
  });

  it('reports a check that throws as down instead of failing the probe', async () => {
    const registry = new OptionalDependencies();
    registry.add({ name: 'flaky', check: () => Promise.reject(new Error('boom')) });
    expect(await registry.checkAll()).toEqual([
      { name: 'flaky', status: { status: 'down', latencyMs: 0, error: 'boom' }, blocking: false },
    ]);
  });

  it('blocks readiness for a requiredUntilUp dependency until it has answered once, then only degrades', async () => {
    const answers: DependencyStatus[] = [down, down, up, down];
    const registry = new OptionalDependencies();
    registry.add(
      { name: 'api-server', check: async () => answers.shift() as DependencyStatus },
      { requiredUntilUp: true },
    );
    const blocking = async () => (await registry.checkAll())[0].blocking;
    expect([await blocking(), await blocking(), await blocking(), await blocking()]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
