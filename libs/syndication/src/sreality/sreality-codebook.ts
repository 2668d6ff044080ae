import type { PortalErrorCode } from '../portal-adapter';
import type { SrealityOverrides } from '../portal-overrides';
import type { SyndicationListing } from '../syndication-listing';

/**
 * Our listing fields → the import interface's codebooks (číselníky), in one place so a codebook
 * change is a one-line edit. Sources are cited per table; docs/syndication.md ("Sreality rules")
 * lists every rule with its source.
 */

/** advert_function: 1 prodej, 2 pronájem (3 dražby is not ours). */
export const ADVERT_FUNCTION: Record<SyndicationListing['transaction'], number> = { sale: 1, rent: 2 };

/** advert_type: 1 byty, 2 domy, 3 pozemky, 4 komerční, 5 ostatní. */
export const ADVERT_TYPE: Record<SyndicationListing['propertyType'], number> = {
  apartment: 1,
  house: 2,
  land: 3,
  commercial: 4,
  parking: 5,
  other: 5,
};

/** advert_subtype of flats (category_sub_cb): 2 1+kk, 3 1+1, 5 2+1, 7 3+1, 9 4+1, 11 5+1, 12 6 a více, 16 atypický. */
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

/**
 * advert_lifetime is a codebook value, not a number of days: a client library's example sends
 * `4` commented "90 dní". We advertise for 90 days and renew on every change.
 */
export const ADVERT_LIFETIME_90_DAYS = 4;
/** The lifetime codes the interface's examples use (1 … 4); anything else is not a code. */
export const ADVERT_LIFETIME_CODES: readonly number[] = [1, 2, 3, 4];

export const PRICE_CURRENCY: Readonly<Record<string, number>> = { CZK: 1, USD: 2, EUR: 3 };
export const CURRENCY_BY_CODE: Readonly<Record<number, string>> = { 1: 'CZK', 2: 'USD', 3: 'EUR' };

/** advert_price_unit: 1 za nemovitost (sale), 2 za měsíc (rent). */
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

/** building_type: 1 dřevěná, 2 cihlová, 3 kamenná, 4 montovaná, 5 panelová, 6 skeletová, 7 smíšená, 8 modulární. */
export const BUILDING_TYPE: Record<NonNullable<SrealityOverrides['buildingType']>, number> = {
  wooden: 1,
  brick: 2,
  stone: 3,
  prefabricated: 4,
  panel: 5,
  skeleton: 6,
  mixed: 7,
  modular: 8,
};

/** building_condition: 1 velmi dobrý … 9 po rekonstrukci. */
export const BUILDING_CONDITION: Record<NonNullable<SrealityOverrides['buildingCondition']>, number> = {
  very_good: 1,
  good: 2,
  bad: 3,
  under_construction: 4,
  project: 5,
  new_build: 6,
  for_demolition: 7,
  before_renovation: 8,
  after_renovation: 9,
};

/** ownership: 1 osobní, 2 družstevní, 3 státní/obecní. */
export const OWNERSHIP: Record<NonNullable<SrealityOverrides['ownership']>, number> = {
  personal: 1,
  cooperative: 2,
  public: 3,
};

/** locality_inaccuracy_level: 1 exact address, 2 street, 3 part of the municipality. */
export const LOCALITY_INACCURACY: Record<NonNullable<SrealityOverrides['localityAccuracy']>, number> = {
  exact: 1,
  street: 2,
  district: 3,
};

/**
 * What each category needs on top of the common fields (453 when missing), as our field paths:
 * flats and houses need the building's type and condition, flats their ownership, houses and land
 * the estate (land) area; built property its usable area.
 */
export const REQUIRED_BY_CATEGORY: Record<
  SyndicationListing['propertyType'],
  readonly ('areaM2' | keyof SrealityOverrides)[]
> = {
  apartment: ['areaM2', 'buildingType', 'buildingCondition', 'ownership'],
  house: ['areaM2', 'estateAreaM2', 'buildingType', 'buildingCondition'],
  land: ['estateAreaM2'],
  commercial: ['areaM2'],
  parking: [],
  other: [],
};

/** The interface's attribute names → our field paths (to name the field a 452/453 complains about). */
export const FIELD_OF_ATTRIBUTE: Readonly<Record<string, string>> = {
  advert_price: 'priceAmount',
  advert_price_currency: 'currency',
  description: 'description',
  locality_city: 'address.city',
  locality_street: 'address.line',
  locality_zip: 'address.postalCode',
  usable_area: 'areaM2',
  floor_number: 'floor',
  estate_area: 'overrides.sreality.estateAreaM2',
  building_type: 'overrides.sreality.buildingType',
  building_condition: 'overrides.sreality.buildingCondition',
  ownership: 'overrides.sreality.ownership',
  locality_inaccuracy_level: 'overrides.sreality.localityAccuracy',
  seller_id: 'contact',
  seller_rkid: 'contact',
};

export interface StatusMeaning {
  code: PortalErrorCode;
  retryable: boolean;
  /** The credentials are wrong: no retry, and the manager is told to fix them. */
  credentials?: boolean;
  /** Retried at the next midnight in Prague (the interface's daily quota). */
  untilMidnight?: boolean;
}

/**
 * Every call answers `{status, statusMessage, output}`; 2xx is success. The codes below are the
 * ones the import documentation lists (see docs/syndication.md for each source).
 */
export function statusToError(status: number): StatusMeaning | null {
  if (status >= 200 && status < 300) return null;
  switch (status) {
    case 401: // not logged in (a call before login)
    case 402: // unknown client_id
    case 403: // wrong password
    case 405: // invalid software key
    case 407: // invalid login (a wrong password or key yields a wrong session id)
    case 408: // login blocked
    case 410: // the agency does not pay
    case 412: // no permission to import through this interface
      return { code: 'INVALID_LOGIN', retryable: false, credentials: true };
    case 404:
      return { code: 'NOT_FOUND', retryable: false };
    case 452: // required fields missing or of a wrong type (%s names them)
    case 453: // required fields of the category missing or of a wrong type (%s)
      return { code: 'INCOMPLETE_DATA', retryable: false };
    case 454: // price unit does not fit the property type
    case 455: // invalid UIR-ADR code
    case 457:
      return { code: 'INVALID_DATA', retryable: false };
    case 461: // the seller (realtor) does not exist
      return { code: 'UNKNOWN_SELLER', retryable: false };
    case 481: // the day's number of XML-RPC operations is used up
      return { code: 'DAILY_LIMIT', retryable: true, untilMidnight: true };
    default:
      if (status >= 500) return { code: 'PORTAL_UNAVAILABLE', retryable: true };
      if (status >= 450 && status < 500) return { code: 'INVALID_DATA', retryable: false };
      return { code: 'PORTAL_REJECTED', retryable: false };
  }
}

/** The attribute names a 452/453 status message lists in parentheses, e.g. "… (usable_area, ownership)". */
export function attributesInMessage(message: string | undefined): string[] {
  const inside = message?.match(/\(([^()]*)\)\s*$/)?.[1] ?? message?.match(/\(([^()]*)\)/)?.[1];
  if (!inside) return [];
  return inside
    .split(/[,\s]+/)
    .map((a) => a.trim())
    .filter((a) => /^[a-z_]+$/.test(a));
}

/** The next 00:00 in Europe/Prague after `now` (when Sreality's daily quota starts again). */
export function nextPragueMidnight(now: Date = new Date()): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Prague',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const guess = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) + 1);
  // Prague is UTC+1 or UTC+2: the local midnight is the guess minus that offset on that day.
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(guess - offsetHours * 3_600_000);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Prague',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(candidate);
    if (local === '00:00' && candidate > now) return candidate;
  }
  return new Date(guess - 3_600_000);
}
