import { formatMoney, minorUnits, monthRange, subtract } from './money';

describe('money helpers', () => {
  it('turns PostgreSQL sums into exact integers and refuses anything else', () => {
    expect(minorUnits('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(minorUnits('-15')).toBe(-15);
    expect(minorUnits(null)).toBe(0);
    expect(() => minorUnits('9007199254740992')).toThrow(/exact integer range/);
    expect(() => minorUnits('10.5')).toThrow(/Not an integer/);
    expect(() => minorUnits('1e3')).toThrow(/Not an integer/);
  });

  it('subtracts without floating point', () => {
    expect(subtract(30, 10)).toBe(20);
    expect(subtract(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1)).toBe(1);
    expect(() => subtract(-Number.MAX_SAFE_INTEGER, 1)).toThrow();
  });

  it('gives a month as a half-open date range, across the year end', () => {
    expect(monthRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-03-01' });
  });

  it("formats minor units with the currency's digits, without floating point", () => {
    expect(formatMoney(1850000, 'CZK')).toBe('18500.00 CZK');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(1500, 'JPY')).toBe('1500 JPY');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('90071992547409.91 EUR');
  });
});
