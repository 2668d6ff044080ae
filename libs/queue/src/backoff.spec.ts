import { jitteredBackoff } from './backoff';

describe('jitteredBackoff', () => {
  it('doubles per attempt, between half and all of the exponential delay', () => {
    expect([1, 2, 3, 4].map((n) => jitteredBackoff(n, new Error('down'), { delay: 1000 }, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((n) => jitteredBackoff(n, new Error('down'), { delay: 1000 }, () => 1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('is capped, and spreads equal failures apart', () => {
    expect(jitteredBackoff(30, null, { delay: 1000, max: 60_000 }, () => 1)).toBe(60_000);
    const delays = new Set(Array.from({ length: 20 }, () => jitteredBackoff(3, null, { delay: 1000 })));
    expect(delays.size).toBeGreaterThan(1);
  });

  it('gives up at once on an error that is not worth retrying', () => {
    expect(
      jitteredBackoff(1, Object.assign(new Error('bad password'), { retryable: false }), { delay: 1000 }),
    ).toBe(-1);
  });

  it('waits for a retryAt the error names (a daily quota), jittered by at most one delay', () => {
    const retryAt = new Date(Date.now() + 3_600_000);
    const delay = jitteredBackoff(
      1,
      Object.assign(new Error('quota'), { retryAt }),
      { delay: 1000 },
      () => 0.5,
    );
    expect(delay).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(delay).toBeLessThanOrEqual(3_600_000 + 1000);
  });
});
