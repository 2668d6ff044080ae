import { advertSubtype, attributesInMessage, nextPragueMidnight, statusToError } from './sreality-codebook';

describe('Sreality codebook', () => {
  it('codes flats by room count and other types by kind', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((rooms) => advertSubtype({ propertyType: 'apartment', rooms }))).toEqual(
      [3, 5, 7, 9, 11, 12, 12],
    );
    expect(advertSubtype({ propertyType: 'apartment', rooms: null })).toBe(16);
    expect(advertSubtype({ propertyType: 'house', rooms: 5 })).toBe(37);
    expect(advertSubtype({ propertyType: 'parking', rooms: null })).toBe(34);
  });

  it('maps the documented status codes: login errors stop, the daily limit waits, data errors are final', () => {
    expect(statusToError(200)).toBeNull();
    for (const status of [402, 403, 405, 407, 408, 410, 412])
      expect(statusToError(status)).toEqual({ code: 'INVALID_LOGIN', retryable: false, credentials: true });
    expect(statusToError(452)).toEqual({ code: 'INCOMPLETE_DATA', retryable: false });
    expect(statusToError(453)).toEqual({ code: 'INCOMPLETE_DATA', retryable: false });
    expect(statusToError(454)).toEqual({ code: 'INVALID_DATA', retryable: false });
    expect(statusToError(461)).toEqual({ code: 'UNKNOWN_SELLER', retryable: false });
    expect(statusToError(481)).toEqual({ code: 'DAILY_LIMIT', retryable: true, untilMidnight: true });
    expect(statusToError(404)).toEqual({ code: 'NOT_FOUND', retryable: false });
    expect(statusToError(503)).toEqual({ code: 'PORTAL_UNAVAILABLE', retryable: true });
    expect(statusToError(418)).toEqual({ code: 'PORTAL_REJECTED', retryable: false });
  });

  it('reads the attributes a 452/453 names', () => {
    expect(
      attributesInMessage(
        'Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (usable_area, ownership)',
      ),
    ).toEqual(['usable_area', 'ownership']);
    expect(attributesInMessage('Neplatné přihlášení')).toEqual([]);
  });

  it('finds the next midnight in Prague in winter (UTC+1) and summer (UTC+2)', () => {
    expect(nextPragueMidnight(new Date('2026-12-07T14:00:00Z')).toISOString()).toBe(
      '2026-12-07T23:00:00.000Z',
    );
    expect(nextPragueMidnight(new Date('2026-12-07T23:30:00Z')).toISOString()).toBe(
      '2026-12-08T23:00:00.000Z',
    );
    expect(nextPragueMidnight(new Date('2026-07-01T10:00:00Z')).toISOString()).toBe(
      '2026-07-01T22:00:00.000Z',
    );
    // The night the clocks go forward (29 March 2026): midnight is still UTC+1.
    expect(nextPragueMidnight(new Date('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
  });
});
