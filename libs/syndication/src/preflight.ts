import type { PreflightIssue } from './portal-adapter';
import { majorUnits, type SyndicationListing } from './syndication-listing';

/** A portal's acceptance rules, as data: each adapter states its own, one checker applies them. */
export interface PortalRules {
  minPhotos: number;
  maxPhotos: number;
  maxPhotoBytes: number;
  photoTypes: readonly string[];
  description: { min: number; max: number };
  title: { max: number };
  /** Major units per currency the portal takes; other currencies are refused. Absent = any price. */
  priceRange?: Readonly<Record<string, { min: number; max: number }>>;
  areaM2?: { min: number; max: number; required: boolean };
  /** ISO 3166-1 alpha-2 codes the portal serves; absent = any. */
  countries?: readonly string[];
  /** Sale, rent or both; absent = both. */
  transactions?: readonly SyndicationListing['transaction'][];
  requireCoordinates: boolean;
  requireContact: boolean;
  requireRoomsFor?: readonly SyndicationListing['propertyType'][];
}

/**
 * Whether a portal with these rules can take this kind of listing at all: its country, currency
 * and transaction. What it lacks beyond that (photos, a description…) is for the manager to fix;
 * a listing in another market is simply not for this portal (the default portal selection).
 */
export function rulesApply(listing: SyndicationListing, rules: PortalRules): boolean {
  return (
    (!rules.countries || rules.countries.includes(listing.address.country)) &&
    (!rules.priceRange || listing.currency in rules.priceRange) &&
    (!rules.transactions || rules.transactions.includes(listing.transaction))
  );
}

export function checkRules(listing: SyndicationListing, rules: PortalRules): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  const add = (field: string, rule: string, message: string) => issues.push({ field, rule, message });

  if (listing.photos.length < rules.minPhotos)
    add(
      'photos',
      'min_photos',
      `At least ${rules.minPhotos} photo(s) needed; the listing has ${listing.photos.length}`,
    );
  if (listing.photos.length > rules.maxPhotos)
    add(
      'photos',
      'max_photos',
      `At most ${rules.maxPhotos} photos; the listing has ${listing.photos.length}`,
    );
  listing.photos.forEach((photo, i) => {
    if (photo.sizeBytes > rules.maxPhotoBytes)
      add(
        `photos[${i}]`,
        'photo_size',
        `Photo ${i + 1} is ${mb(photo.sizeBytes)}; the portal takes at most ${mb(rules.maxPhotoBytes)}`,
      );
    if (!rules.photoTypes.includes(photo.contentType))
      add(
        `photos[${i}]`,
        'photo_type',
        `Photo ${i + 1} is ${photo.contentType}; the portal takes ${rules.photoTypes.join(', ')}`,
      );
  });

  const description = listing.description.trim();
  if (description.length < rules.description.min)
    add(
      'description',
      'description_length',
      `The description needs at least ${rules.description.min} characters; it has ${description.length}`,
    );
  if (description.length > rules.description.max)
    add(
      'description',
      'description_length',
      `The description may have at most ${rules.description.max} characters; it has ${description.length}`,
    );
  if (listing.title.trim().length > rules.title.max)
    add('title', 'title_length', `The title may have at most ${rules.title.max} characters`);

  const range = rules.priceRange?.[listing.currency];
  if (rules.priceRange && !range) {
    add(
      'currency',
      'currency',
      `The portal takes prices in ${Object.keys(rules.priceRange).join(', ')}, not ${listing.currency}`,
    );
  } else if (range) {
    const price = majorUnits(listing.priceAmount, listing.currency);
    if (price < range.min || price > range.max)
      add(
        'priceAmount',
        'price_range',
        `The price must be between ${range.min} and ${range.max} ${listing.currency}`,
      );
  }

  if (rules.areaM2) {
    if (listing.areaM2 === null) {
      if (rules.areaM2.required) add('areaM2', 'required', 'The floor area is required');
    } else if (listing.areaM2 < rules.areaM2.min || listing.areaM2 > rules.areaM2.max) {
      add(
        'areaM2',
        'area_range',
        `The floor area must be between ${rules.areaM2.min} and ${rules.areaM2.max} m²`,
      );
    }
  }
  if (rules.requireRoomsFor?.includes(listing.propertyType) && listing.rooms === null)
    add('rooms', 'required', `The number of rooms is required for ${listing.propertyType} listings`);

  for (const [field, value] of [
    ['address.line', listing.address.line],
    ['address.city', listing.address.city],
    ['address.postalCode', listing.address.postalCode],
  ] as const) {
    if (!value.trim())
      add(field, 'required', 'The address is incomplete: street, city and postal code are required');
  }
  if (rules.countries && !rules.countries.includes(listing.address.country))
    add(
      'address.country',
      'country',
      `The portal lists properties in ${rules.countries.join(', ')}, not ${listing.address.country}`,
    );
  if (rules.transactions && !rules.transactions.includes(listing.transaction))
    add('transaction', 'transaction', `The portal takes ${rules.transactions.join(' and ')} listings only`);
  if (rules.requireCoordinates && (listing.latitude === null || listing.longitude === null))
    add('coordinates', 'required', 'Latitude and longitude are required');
  if (rules.requireContact && !listing.contact) add('contact', 'required', 'A contact realtor is required');
  return issues;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
