import { advertSubtype, statusToError } from './sreality-codebook';

describe('Sreality codebook', () => {
  it('codes flats by room count and other types by kind', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((rooms) => advertSubtype({ propertyType: 'apartment', rooms }))).toEqual(
      [3, 5, 7, 9, 11, 12, 12],
    );
    expect(advertSubtype({ propertyType: 'apartment', rooms: null })).toBe(16);
    expect(advertSubtype({ propertyType: 'house', rooms: 5 })).toBe(37);
    expect(advertSubtype({ propertyType: 'parking', rooms: null })).toBe(34);
  });

  it('treats 2xx as success, retries only what can pass later', () => {
    expect(statusToError(200)).toBeNull();
    expect(statusToError(201)).toBeNull();
    expect(statusToError(401)).toEqual({ code: 'INVALID_LOGIN', retryable: false });
    expect(statusToError(407)).toEqual({ code: 'SESSION_EXPIRED', retryable: true });
    expect(statusToError(451)).toEqual({ code: 'INCOMPLETE_DATA', retryable: false });
    expect(statusToError(452)).toEqual({ code: 'NOT_ENOUGH_PHOTOS', retryable: false });
    expect(statusToError(455)).toEqual({ code: 'INVALID_DATA', retryable: false });
    expect(statusToError(503)).toEqual({ code: 'PORTAL_UNAVAILABLE', retryable: true });
    expect(statusToError(418)).toEqual({ code: 'PORTAL_REJECTED', retryable: false });
  });
});
