/** Minutes after local midnight of `at` in `timeZone`, and that day as YYYY-MM-DD. */
export function localClock(at: Date, timeZone: string): { minute: number; day: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    minute: Number(get('hour')) * 60 + Number(get('minute')),
    day: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

/** Minutes from `from` forward to `to` on a 24-hour clock (0 when equal). */
const ahead = (from: number, to: number) => (to - from + 1440) % 1440;

/**
 * When a push or e-mail may go out: `now`, or the end of the quiet hours if `now` falls inside them.
 * The window may span midnight (22:00–07:00); start = end means none. Computed on the local clock,
 * so a DST change inside the window shifts the end by that hour at most.
 */
export function quietUntil(
  now: Date,
  quiet: { startMinute: number | null; endMinute: number | null; timeZone: string },
): Date | null {
  const { startMinute: start, endMinute: end } = quiet;
  if (start === null || end === null || start === end) return null;
  const { minute } = localClock(now, quiet.timeZone);
  const inside = ahead(start, minute) < ahead(start, end);
  if (!inside) return null;
  const until = new Date(now.getTime() + ahead(minute, end) * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}

/** The next moment at `hour`:00 local time strictly after `now` (the digest's sending time). */
export function nextLocalHour(now: Date, hour: number, timeZone: string): Date {
  const { minute } = localClock(now, timeZone);
  const wait = ahead(minute, hour * 60) || 1440;
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
