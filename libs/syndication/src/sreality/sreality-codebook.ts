import type { PortalErrorCode } from '../portal-adapter';
import type { SyndicationListing } from '../syndication-listing';

/**
 * Our listing fields → the import interface's codebooks (číselníky), in one place so a codebook
 * change is a one-line edit. Values follow the interface's published codebooks as we read them.
 */
export const ADVERT_FUNCTION: Record<SyndicationListing['transaction'], number> = { sale: 1, rent: 2 };

export const ADVERT_TYPE: Record<SyndicationListing['propertyType'], number> = {
  apartment: 1, // byty
  house: 2, // domy
  land: 3, // pozemky
  commercial: 4, // komerční
  parking: 5, // ostatní
  other: 5, // ostatní
};

/** Flats are coded by layout; we know the room count, so "N+1" (kitchen apart) is the honest match. */
const FLAT_SUBTYPE_BY_ROOMS: Record<number, number> = { 1: 3, 2: 5, 3: 7, 4: 9, 5: 11 };
const FLAT_SIX_AND_MORE = 12;
const FLAT_ATYPICAL = 16;
const OTHER_SUBTYPE: Record<Exclude<SyndicationListing['propertyType'], 'apartment'>, number> = {
  house: 37, // rodinný dům
  land: 19, // bydlení (stavební parcela)
  commercial: 25, // kanceláře
  parking: 34, // garáž
  other: 36, // jiné
};

export function advertSubtype(listing: Pick<SyndicationListing, 'propertyType' | 'rooms'>): number {
  if (listing.propertyType !== 'apartment') return OTHER_SUBTYPE[listing.propertyType];
  if (listing.rooms === null) return FLAT_ATYPICAL;
  return listing.rooms >= 6 ? FLAT_SIX_AND_MORE : (FLAT_SUBTYPE_BY_ROOMS[listing.rooms] ?? FLAT_ATYPICAL);
}

export const PRICE_CURRENCY: Readonly<Record<string, number>> = { CZK: 1, USD: 2, EUR: 3 };
export const CURRENCY_BY_CODE: Readonly<Record<number, string>> = { 1: 'CZK', 2: 'USD', 3: 'EUR' };

/** Sale prices are for the whole property, rents per month. */
export const PRICE_UNIT: Record<SyndicationListing['transaction'], number> = { sale: 1, rent: 2 };

export const ENERGY_RATING: Record<NonNullable<SyndicationListing['energyClass']>, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
};

/**
 * The interface answers every call with a numeric `status` and a `statusMessage`. 2xx is success;
 * the rest maps to our codes so the manager sees the portal's reason, and only the transient ones
 * are retried. An expired session is retried after a fresh login.
 */
export function statusToError(status: number): { code: PortalErrorCode; retryable: boolean } | null {
  if (status >= 200 && status < 300) return null;
  switch (status) {
    case 401:
    case 403:
      return { code: 'INVALID_LOGIN', retryable: false };
    case 404:
      return { code: 'NOT_FOUND', retryable: false };
    case 407:
      return { code: 'SESSION_EXPIRED', retryable: true };
    case 429:
      return { code: 'RATE_LIMITED', retryable: true };
    case 451:
      return { code: 'INCOMPLETE_DATA', retryable: false };
    case 452:
      return { code: 'NOT_ENOUGH_PHOTOS', retryable: false };
    default:
      if (status >= 500) return { code: 'PORTAL_UNAVAILABLE', retryable: true };
      if (status >= 450 && status < 500) return { code: 'INVALID_DATA', retryable: false };
      return { code: 'PORTAL_REJECTED', retryable: false };
  }
}
