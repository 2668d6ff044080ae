const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A sum of minor units as PostgreSQL returns it (numeric/bigint arrive as text) to an exact JS
 * integer. Refuses anything that is not an integer or would not stay exact as a number.
 */
export function minorUnits(value: string | number | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new Error(`Not an integer amount: ${text}`);
  const n = BigInt(text);
  if (n > MAX || n < -MAX) throw new Error(`Amount ${text} exceeds the exact integer range`);
  return Number(n);
}

/** a − b in integers, refusing results that would not stay exact. */
export function subtract(a: number, b: number): number {
  return minorUnits(BigInt(a) - BigInt(b));
}

/** The UTC calendar day of `date` (YYYY-MM-DD): due dates are compared with it. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** First day of `month` (YYYY-MM) and first day of the next month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number);
  const next = new Date(Date.UTC(year, m, 1));
  return { from: `${month}-01`, to: isoDay(next) };
}

/** For people to read (notifications): "18500.00 CZK" from 1850000, with the currency's minor digits. */
export function formatMoney(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // An unknown code keeps two digits.
  }
  const value = BigInt(minor);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  if (digits === 0) return `${sign}${abs} ${currency}`;
  const scale = 10n ** BigInt(digits);
  return `${sign}${abs / scale}.${(abs % scale).toString().padStart(digits, '0')} ${currency}`;
}
