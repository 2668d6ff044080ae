import { localClock, nextLocalHour, quietUntil } from './quiet-hours';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  const night = { startMinute: 22 * 60, endMinute: 7 * 60, timeZone: 'Europe/Prague' };

  it('holds a push at 23:30 Prague time until 07:00 the next morning (window across midnight)', () => {
    // 22:30 UTC = 23:30 in Prague in winter (UTC+1).
    expect(quietUntil(at('2026-12-07T22:30:00Z'), night)?.toISOString()).toBe('2026-12-08T06:00:00.000Z');
  });

  it('holds one at 03:00 until 07:00 the same morning, and lets 07:00 and 12:00 through', () => {
    expect(quietUntil(at('2026-12-08T02:00:00Z'), night)?.toISOString()).toBe('2026-12-08T06:00:00.000Z');
    expect(quietUntil(at('2026-12-08T06:00:00Z'), night)).toBeNull();
    expect(quietUntil(at('2026-12-08T11:00:00Z'), night)).toBeNull();
  });

  it('handles a window within one day and no window at all', () => {
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, timeZone: 'UTC' };
    expect(quietUntil(at('2026-12-08T12:15:00Z'), lunch)?.toISOString()).toBe('2026-12-08T13:00:00.000Z');
    expect(quietUntil(at('2026-12-08T11:59:00Z'), lunch)).toBeNull();
    expect(quietUntil(at('2026-12-08T12:15:00Z'), { ...lunch, startMinute: null })).toBeNull();
    expect(quietUntil(at('2026-12-08T12:15:00Z'), { ...lunch, endMinute: 12 * 60 })).toBeNull();
  });

  it("finds the next digest hour in the user's time zone and names its local day", () => {
    // 06:30 UTC = 07:30 Prague: today's 07:00 has passed, so tomorrow 07:00 (06:00 UTC).
    const next = nextLocalHour(at('2026-12-08T06:30:00Z'), 7, 'Europe/Prague');
    expect(next.toISOString()).toBe('2026-12-09T06:00:00.000Z');
    expect(localClock(next, 'Europe/Prague')).toEqual({ minute: 7 * 60, day: '2026-12-09' });
    expect(nextLocalHour(at('2026-12-08T05:00:00Z'), 7, 'Europe/Prague').toISOString()).toBe(
      '2026-12-08T06:00:00.000Z',
    );
  });
});
