import { InfrastructureError } from '../infrastructure.errors';
import { decodeCursor, encodeCursor } from './health-history.service';
import { dependenciesOf } from './reality-server.probe';

describe("reality-server's readiness answer", () => {
  it('takes the dependencies of `details` as the HealthController reports them', () => {
    const body = {
      status: 'error',
      details: {
        database: { status: 'up', latencyMs: 1.8 },
        redis: { status: 'down', latencyMs: 1000.4, error: 'timed out after 1000 ms' },
      },
    };
    expect(dependenciesOf(JSON.stringify(body))).toEqual([
      { name: 'database', status: { status: 'up', latencyMs: 1.8 } },
      { name: 'redis', status: { status: 'down', latencyMs: 1000.4, error: 'timed out after 1000 ms' } },
    ]);
  });

  it('ignores what is not a readiness answer: bad JSON, odd names, odd statuses, the `ready` verdict, too many', () => {
    expect(dependenciesOf('<html>')).toEqual([]);
    expect(dependenciesOf('null')).toEqual([]);
    expect(dependenciesOf(JSON.stringify({ details: [1, 2] }))).toEqual([]);
    const details: Record<string, unknown> = {
      'bad name': { status: 'up' },
      ready: { status: 'down' },
      odd: { status: 'sideways' },
      negative: { status: 'up', latencyMs: -5 },
    };
    for (let i = 0; i < 30; i++) details[`dep${i}`] = { status: 'down' };
    const found = dependenciesOf(JSON.stringify({ details }));
    expect(found).toHaveLength(20);
    expect(found[0]).toEqual({ name: 'negative', status: { status: 'up', latencyMs: 0 } });
    expect(found[1]).toEqual({ name: 'dep0', status: { status: 'down', latencyMs: 0, error: 'down' } });
  });
});

describe('health history cursor', () => {
  it('round-trips the last sample’s time and id', () => {
    const key = {
      recordedAt: new Date('2026-12-07T17:40:00.012Z'),
      id: '5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f',
    };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['a non-uuid id', Buffer.from('["2026-12-07T17:40:00.012Z","x"]').toString('base64url')],
    [
      'a time PostgreSQL would refuse',
      Buffer.from('["-271821-04-20T00:00:00.000Z","5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f"]').toString(
        'base64url',
      ),
    ],
  ])('refuses %s with INVALID_CURSOR', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InfrastructureError);
    try {
      decodeCursor(cursor);
    } catch (err) {
      expect((err as InfrastructureError).code).toBe('INVALID_CURSOR');
    }
  });
});
