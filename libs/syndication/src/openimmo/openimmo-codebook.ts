import type { PortalRules } from '../preflight';
import type { SyndicationListing } from '../syndication-listing';

/**
 * Our listing vocabulary → OpenImmo 1.2.7 vocabulary, in one place. Only values the OpenImmo schema
 * defines appear here; everything the XML builder needs to translate is looked up in these tables.
 */

export const OPENIMMO_VERSION = '1.2.7';

/** `<objektart>` child element per property type. */
export const OBJEKTART: Readonly<Record<SyndicationListing['propertyType'], string>> = {
  apartment: 'wohnung',
  house: 'haus',
  // Our "commercial" listings are mostly offices and practices in the buildings we manage; shops are
  // the minority. `buero_praxen` is also what German portals show under "Gewerbe" by default.
  commercial: 'buero_praxen',
  land: 'grundstueck',
  parking: 'parken',
  other: 'sonstige',
};

/** `<nutzungsart WOHNEN GEWERBE>`: only commercial listings are offered for business use. */
export const NUTZUNGSART: Readonly<Record<SyndicationListing['propertyType'], 'WOHNEN' | 'GEWERBE'>> = {
  apartment: 'WOHNEN',
  house: 'WOHNEN',
  commercial: 'GEWERBE',
  land: 'WOHNEN',
  parking: 'WOHNEN',
  other: 'WOHNEN',
};

/** `<vermarktungsart KAUF MIETE_PACHT>`. */
export const VERMARKTUNGSART: Readonly<Record<SyndicationListing['transaction'], 'KAUF' | 'MIETE_PACHT'>> = {
  sale: 'KAUF',
  rent: 'MIETE_PACHT',
};

/** `<preise>` element holding the price: purchase price, or the monthly rent without utilities. */
export const PREIS_FELD: Readonly<Record<SyndicationListing['transaction'], 'kaufpreis' | 'kaltmiete'>> = {
  sale: 'kaufpreis',
  rent: 'kaltmiete',
};

/** `<flaechen>` element holding our single area figure. */
export const FLAECHE_FELD: Readonly<
  Record<SyndicationListing['propertyType'], 'wohnflaeche' | 'nutzflaeche' | 'grundstuecksflaeche'>
> = {
  apartment: 'wohnflaeche',
  house: 'wohnflaeche',
  commercial: 'nutzflaeche',
  land: 'grundstuecksflaeche',
  parking: 'nutzflaeche',
  other: 'nutzflaeche',
};

/** `<land iso_land>` takes ISO 3166-1 alpha-3; we store alpha-2. Only the countries we serve. */
export const ISO_LAND: Readonly<Record<string, string>> = {
  DE: 'DEU',
  AT: 'AUT',
  CH: 'CHE',
};

/** `<anhang><format>` per photo content type, and the file extension inside the ZIP. */
export const ANHANG_FORMAT: Readonly<Record<string, { format: string; extension: string }>> = {
  'image/jpeg': { format: 'JPG', extension: 'jpg' },
  'image/png': { format: 'PNG', extension: 'png' },
};

/** Our energy classes are the German A–G scale; `<energiepass><wertklasse>` uses the same letters. */
export const WERTKLASSE: Readonly<Record<NonNullable<SyndicationListing['energyClass']>, string>> = {
  A: 'A',
  B: 'B',
  C: 'C',
  D: 'D',
  E: 'E',
  F: 'F',
  G: 'G',
};

/**
 * What German-speaking portals accept through OpenImmo imports (ImmoScout24, immowelt, Homegate are
 * the strictest of them): at least one photo, JPEG/PNG up to 10 MB, a real description.
 */
export const OPENIMMO_RULES: PortalRules = {
  minPhotos: 1,
  maxPhotos: 50,
  maxPhotoBytes: 10 * 1024 * 1024,
  photoTypes: Object.keys(ANHANG_FORMAT),
  description: { min: 30, max: 20_000 },
  title: { max: 100 },
  // Major units; rent is per month. One rule set for both, so the lower bound is a rent's.
  priceRange: {
    EUR: { min: 1, max: 100_000_000 },
    CHF: { min: 1, max: 100_000_000 },
  },
  areaM2: { min: 1, max: 100_000, required: true },
  countries: ['DE', 'AT', 'CH'],
  requireCoordinates: false,
  requireContact: true,
  requireRoomsFor: ['apartment', 'house'],
};
