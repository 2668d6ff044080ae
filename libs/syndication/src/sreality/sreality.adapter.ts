import type { GuardedHttp } from '@ppt/outbound';
import { checkRules, rulesApply, type PortalRules } from '../preflight';
import {
  PortalError,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
  type RemoteAdvert,
} from '../portal-adapter';
import { majorUnits, minorUnits, type SyndicationListing, type SyndicationRef } from '../syndication-listing';
import {
  ADVERT_FUNCTION,
  ADVERT_LIFETIME_90_DAYS,
  ADVERT_TYPE,
  advertSubtype,
  BUILDING_CONDITION,
  BUILDING_TYPE,
  CURRENCY_BY_CODE,
  ENERGY_RATING,
  LOCALITY_INACCURACY,
  OWNERSHIP,
  PRICE_CURRENCY,
  PRICE_UNIT,
  REQUIRED_BY_CATEGORY,
} from './sreality-codebook';
import { SrealitySession, type SrealityCredentials, type SrealityOptions } from './sreality-session';

type Target = PortalTarget<SrealityCredentials, SrealityOptions>;

export const SREALITY_RULES: PortalRules = {
  minPhotos: 1,
  maxPhotos: 100,
  maxPhotoBytes: 100 * 1024 * 1024,
  photoTypes: ['image/jpeg', 'image/png', 'image/gif'],
  description: { min: 50, max: 30_000 },
  title: { max: 200 },
  priceRange: {
    CZK: { min: 1, max: 2_000_000_000 },
    EUR: { min: 1, max: 100_000_000 },
    USD: { min: 1, max: 100_000_000 },
  },
  // Required per category (REQUIRED_BY_CATEGORY); the range holds whenever an area is given.
  areaM2: { min: 1, max: 1_000_000, required: false },
  countries: ['CZ', 'SK'],
  requireCoordinates: false,
  requireContact: true,
  requireRoomsFor: ['apartment'],
};
const RULES = SREALITY_RULES;

const OVERRIDE_LABEL: Record<string, string> = {
  buildingType: 'the building type',
  buildingCondition: 'the building condition',
  ownership: 'the ownership',
  estateAreaM2: 'the estate (land) area',
};

const DEFAULT_ADVERT_URL = 'https://www.sreality.cz/detail/{id}';

/**
 * The XML-RPC import interface shared by sreality.cz and several other Czech portals. Adverts carry
 * our listing id as `advert_rkid`, photos our document id as `photo_rkid` and the realtor our user id
 * as `seller_rkid`; the portal upserts by them, so a repeated job updates instead of duplicating.
 */
export class SrealityAdapter implements PortalAdapter<SrealityCredentials, SrealityOptions> {
  readonly key = 'sreality' as const;

  /** `http`: the guarded agent every call to the configured endpoint goes through. */
  constructor(private readonly http: GuardedHttp) {}

  appliesTo(listing: SyndicationListing): boolean {
    return rulesApply(listing, RULES);
  }

  preflight(listing: SyndicationListing): PreflightIssue[] {
    const issues = checkRules(listing, RULES);
    const overrides = listing.overrides?.sreality ?? {};
    for (const field of REQUIRED_BY_CATEGORY[listing.propertyType]) {
      if (field === 'areaM2') {
        if (listing.areaM2 === null)
          issues.push({
            field,
            rule: 'required',
            message: `Sreality needs the usable area for ${listing.propertyType} listings`,
          });
      } else if (overrides[field] === undefined) {
        issues.push({
          field: `overrides.sreality.${field}`,
          rule: 'required',
          message: `Sreality needs ${OVERRIDE_LABEL[field]} for ${listing.propertyType} listings`,
        });
      }
    }
    return issues;
  }

  async publish(listing: SyndicationListing, target: Target): Promise<PublishedAdvert> {
    return this.withSession(target, async (session) => {
      const sellerId = listing.contact ? await this.upsertSeller(session, listing.contact) : null;
      const added = await session.call('addAdvert', advertData(listing, sellerId));
      const advertId = Number(added.output?.[0]?.advert_id);
      if (!Number.isInteger(advertId) || advertId <= 0) {
        throw new PortalError(
          'PORTAL_REJECTED',
          'Sreality addAdvert: no advert id in the answer',
          false,
          added.status,
        );
      }
      await this.syncPhotos(session, advertId, listing);
      return { externalId: String(advertId), url: advertUrl(target.options, advertId) };
    });
  }

  async remove(ref: SyndicationRef, target: Target): Promise<void> {
    await this.withSession(target, async (session) => {
      try {
        await session.call('delAdvert', Number(ref.externalId ?? 0), ref.listingId);
      } catch (err) {
        if (!(err instanceof PortalError && err.code === 'NOT_FOUND')) throw err;
      }
    });
  }

  async list(target: Target): Promise<RemoteAdvert[]> {
    return this.withSession(target, async (session) => {
      const answer = await session.call('listAdvert');
      return (answer.output ?? []).map((row) => {
        const currency = CURRENCY_BY_CODE[Number(row.advert_price_currency)];
        const price = Number(row.advert_price);
        return {
          externalId: String(row.advert_id),
          listingId: typeof row.advert_rkid === 'string' && row.advert_rkid ? row.advert_rkid : null,
          priceAmount: currency && Number.isFinite(price) ? minorUnits(price, currency) : null,
        };
      });
    });
  }

  private async withSession<T>(target: Target, work: (session: SrealitySession) => Promise<T>): Promise<T> {
    const session = await SrealitySession.open(target.credentials, target.options, this.http);
    try {
      return await work(session);
    } finally {
      await session.close();
    }
  }

  private async upsertSeller(session: SrealitySession, contact: NonNullable<SyndicationListing['contact']>) {
    const answer = await session.call('addSeller', 0, contact.id, {
      client_login: contact.email,
      client_name: contact.name,
      contact_email: contact.email,
      ...(contact.phone ? { contact_gsm: contact.phone } : {}),
    });
    return Number(answer.output?.[0]?.seller_id) || null;
  }

  /**
   * Makes the portal's photos equal ours, in order: nothing to do when they already are, only the
   * new ones when ours extend theirs, otherwise (reordered, removed) all of them again.
   */
  private async syncPhotos(
    session: SrealitySession,
    advertId: number,
    listing: SyndicationListing,
  ): Promise<void> {
    const listed = await session.call('listPhoto', advertId, listing.id);
    const theirs = (listed.output ?? []).map((row) => ({
      id: Number(row.photo_id),
      rkid: String(row.photo_rkid ?? ''),
    }));
    const ours = listing.photos.map((p) => p.id);
    const isPrefix = theirs.length <= ours.length && theirs.every((photo, i) => photo.rkid === ours[i]);
    if (!isPrefix) {
      for (const photo of theirs) await session.call('delPhoto', photo.id, photo.rkid);
    }
    const keep = isPrefix ? theirs.length : 0;
    for (let i = keep; i < listing.photos.length; i++) {
      const photo = listing.photos[i];
      await session.call('addPhoto', advertId, listing.id, {
        data: await photo.read(),
        main: i === 0 ? 1 : 0,
        photo_rkid: photo.id,
      });
    }
  }
}

/** Our listing as the interface's `advert_data` struct. */
export function advertData(listing: SyndicationListing, sellerId: number | null): Record<string, unknown> {
  const currency = PRICE_CURRENCY[listing.currency];
  if (currency === undefined) {
    throw new PortalError('INVALID_DATA', `Sreality takes no prices in ${listing.currency}`, false);
  }
  const overrides = listing.overrides?.sreality ?? {};
  return {
    advert_rkid: listing.id,
    advert_function: ADVERT_FUNCTION[listing.transaction],
    advert_lifetime: ADVERT_LIFETIME_90_DAYS,
    advert_type: ADVERT_TYPE[listing.propertyType],
    advert_subtype: advertSubtype(listing),
    advert_price: majorUnits(listing.priceAmount, listing.currency),
    advert_price_currency: currency,
    advert_price_unit: PRICE_UNIT[listing.transaction],
    description: listing.description,
    locality_city: listing.address.city,
    locality_street: listing.address.line,
    locality_zip: listing.address.postalCode.replace(/\s+/g, ''),
    ...(listing.address.region ? { locality_region: listing.address.region } : {}),
    ...(listing.latitude !== null && listing.longitude !== null
      ? { locality_latitude: listing.latitude, locality_longitude: listing.longitude }
      : {}),
    ...(listing.areaM2 !== null ? { usable_area: listing.areaM2 } : {}),
    ...(listing.floor !== null ? { floor_number: listing.floor } : {}),
    ...(listing.energyClass ? { energy_efficiency_rating: ENERGY_RATING[listing.energyClass] } : {}),
    ...(overrides.estateAreaM2 !== undefined ? { estate_area: overrides.estateAreaM2 } : {}),
    ...(overrides.buildingType ? { building_type: BUILDING_TYPE[overrides.buildingType] } : {}),
    ...(overrides.buildingCondition
      ? { building_condition: BUILDING_CONDITION[overrides.buildingCondition] }
      : {}),
    ...(overrides.ownership ? { ownership: OWNERSHIP[overrides.ownership] } : {}),
    locality_inaccuracy_level: LOCALITY_INACCURACY[overrides.localityAccuracy ?? 'exact'],
    ...(sellerId !== null ? { seller_id: sellerId } : {}),
    ...(listing.contact ? { seller_rkid: listing.contact.id } : {}),
  };
}

function advertUrl(options: SrealityOptions, advertId: number): string {
  return (options.advertUrlTemplate ?? DEFAULT_ADVERT_URL).replace('{id}', String(advertId));
}
