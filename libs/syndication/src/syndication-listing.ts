import type { PortalOverrides } from './portal-overrides';

/** The listing as every portal adapter sees it: our fields, already resolved (photos, contact). */
export interface SyndicationListing {
  id: string;
  organizationId: string;
  /** Increases with every change; adapters send it where a portal keeps one, jobs use it to order. */
  version: number;
  /** Our status: published or reserved while listed; what it became when a removal runs. */
  status: 'draft' | 'published' | 'reserved' | 'sold' | 'rented' | 'withdrawn';
  publishedAt: string | null;
  transaction: 'sale' | 'rent';
  propertyType: 'apartment' | 'house' | 'commercial' | 'land' | 'parking' | 'other';
  title: string;
  description: string;
  /** Integer minor units (per month for rentals). */
  priceAmount: number;
  currency: string;
  areaM2: number | null;
  rooms: number | null;
  floor: number | null;
  energyClass: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | null;
  features: string[];
  address: {
    line: string;
    city: string;
    region: string | null;
    postalCode: string;
    /** ISO 3166-1 alpha-2. */
    country: string;
  };
  latitude: number | null;
  longitude: number | null;
  /** In display order; the first is the main photo. */
  photos: SyndicationPhoto[];
  contact: SyndicationContact | null;
  /** Per-portal fields the manager filled in for the portals that need them (validated per portal). */
  overrides?: PortalOverrides;
}

export interface SyndicationPhoto {
  /** Our document id: the portal-side photo id where a portal keeps one, so re-sending is idempotent. */
  id: string;
  contentType: string;
  sizeBytes: number;
  /** Reads the file (adapters that upload photos); portals that fetch by URL use `url`. */
  read(): Promise<Buffer>;
  url: string;
}

export interface SyndicationContact {
  /** Our user id of the realtor: the portal-side seller id. */
  id: string;
  name: string;
  email: string;
  phone: string | null;
}

/** What removal needs: which listing, and what the portal called it if it told us. */
export interface SyndicationRef {
  listingId: string;
  organizationId: string;
  externalId: string | null;
  /** The listing's version when it was withdrawn: tells one removal from a later one. */
  version: number;
  /** The listing as it is now (it outlives its removal from portals), for portals that need it. */
  listing?: SyndicationListing;
}

/** Minor units → the portal's decimal amount (CZK/EUR/USD have 2 decimals; JPY-like 0). */
export function majorUnits(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorDigits(currency);
}

export function minorUnits(amountMajor: number, currency: string): number {
  return Math.round(amountMajor * 10 ** minorDigits(currency));
}

function minorDigits(currency: string): number {
  return ['JPY', 'KRW', 'HUF'].includes(currency) ? 0 : 2;
}
