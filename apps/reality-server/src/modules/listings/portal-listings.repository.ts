import { Injectable } from '@nestjs/common';
import type { ListingSnapshot } from '@ppt/events';
import { PortalListing } from '@ppt/db';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { SearchListingsQueryDto, SearchSort } from './dto/search.dto';

/** What visitors see; other statuses stay in the table so favourites survive a withdrawal. */
export const VISIBLE = ['published', 'reserved'];
const TS_CONFIG = 'portal.unaccented';
const KM_PER_DEGREE = 111.045;

/** Columns of portal.listings filled from a listing snapshot, in insert order. */
const COLUMNS: [column: string, value: (s: ListingSnapshot) => unknown][] = [
  ['status', (s) => s.status],
  ['transaction', (s) => s.transaction],
  ['property_type', (s) => s.propertyType],
  ['title', (s) => s.title],
  ['description', (s) => s.description],
  ['price_amount', (s) => s.priceAmount],
  ['currency', (s) => s.currency],
  ['area_m2', (s) => s.areaM2],
  ['rooms', (s) => s.rooms],
  ['floor', (s) => s.floor],
  ['energy_class', (s) => s.energyClass],
  ['features', (s) => s.features],
  ['address_line', (s) => s.addressLine],
  ['city', (s) => s.city],
  ['region', (s) => s.region],
  ['postal_code', (s) => s.postalCode],
  ['country', (s) => s.country],
  ['latitude', (s) => s.latitude],
  ['longitude', (s) => s.longitude],
  ['photo_document_ids', (s) => s.photoDocumentIds],
  ['contact_user_id', (s) => s.contactUserId],
  ['published_at', (s) => s.publishedAt],
];

export interface SearchHit {
  listing: PortalListing;
  distanceKm?: number;
}

/** The portal's read model of listings (schema `portal`; public data, no tenant scope). */
@Injectable()
export class PortalListingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the listing as of `version` unless a newer (or the same) version is already stored, so
   * redelivered and out-of-order events change nothing. Returns whether this version was applied.
   */
  apply(organizationId: string, version: number, s: ListingSnapshot): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const names = ['id', 'organization_id', 'version', ...COLUMNS.map(([c]) => c), 'updated_at'];
      const values = [s.listingId, organizationId, version, ...COLUMNS.map(([, v]) => v(s))];
      const placeholders = values.map((_, i) => `$${i + 1}`).concat('now()');
      const applied = (await m.query(
        `INSERT INTO portal.listings (${names.join(', ')}) VALUES (${placeholders.join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${names
           .slice(1)
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}
         WHERE portal.listings.version < EXCLUDED.version
         RETURNING id`,
        values,
      )) as unknown[];
      if (applied.length === 0) return false;
      await this.index(m, s.listingId);
      return true;
    });
  }

  /** Title weighs most, then the place, then the description; accents do not matter. */
  private async index(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE portal.listings SET search_vector =
          setweight(to_tsvector('${TS_CONFIG}', title), 'A')
       || setweight(to_tsvector('${TS_CONFIG}', concat_ws(' ', city, region, address_line)), 'B')
       || setweight(to_tsvector('${TS_CONFIG}', concat_ws(' ', description, array_to_string(features, ' '))), 'C')
       WHERE id = $1`,
      [id],
    );
  }

  findVisible(id: string): Promise<PortalListing | null> {
    return this.visible().andWhere('l.id = :id', { id }).getOne();
  }

  async search(f: SearchListingsQueryDto): Promise<{ hits: SearchHit[]; total: number }> {
    const qb = this.visible();
    if (f.transaction) qb.andWhere('l.transaction = :transaction', { transaction: f.transaction });
    if (f.propertyType) qb.andWhere('l.property_type = :propertyType', { propertyType: f.propertyType });
    if (f.priceMin !== undefined) qb.andWhere('l.price_amount >= :priceMin', { priceMin: f.priceMin });
    if (f.priceMax !== undefined) qb.andWhere('l.price_amount <= :priceMax', { priceMax: f.priceMax });
    if (f.areaMin !== undefined) qb.andWhere('l.area_m2 >= :areaMin', { areaMin: f.areaMin });
    if (f.areaMax !== undefined) qb.andWhere('l.area_m2 <= :areaMax', { areaMax: f.areaMax });
    if (f.roomsMin !== undefined) qb.andWhere('l.rooms >= :roomsMin', { roomsMin: f.roomsMin });
    if (f.city) qb.andWhere('unaccent(lower(l.city)) = unaccent(lower(:city))', { city: f.city });
    if (f.region) qb.andWhere('unaccent(lower(l.region)) = unaccent(lower(:region))', { region: f.region });
    if (f.bbox) {
      const [minLng, minLat, maxLng, maxLat] = f.bbox.split(',').map(Number);
      qb.andWhere('l.latitude BETWEEN :minLat AND :maxLat AND l.longitude BETWEEN :minLng AND :maxLng', {
        minLat,
        maxLat,
        minLng,
        maxLng,
      });
    }
    const radius = f.lat !== undefined && f.lng !== undefined && f.radiusKm !== undefined;
    if (radius) this.withinRadius(qb, f.lat as number, f.lng as number, f.radiusKm as number);
    const words = searchWords(f.q);
    if (words) {
      qb.andWhere(`l.search_vector @@ to_tsquery('${TS_CONFIG}', :words)`, { words });
      qb.addSelect(`ts_rank(l.search_vector, to_tsquery('${TS_CONFIG}', :words))`, 'rank');
    }
    const total = await qb.getCount();
    this.order(qb, f.sort ?? (words ? 'relevance' : radius ? 'distance' : '-date'), Boolean(words), radius);
    const { entities, raw } = await qb.limit(f.limit).offset(f.offset).getRawAndEntities<{
      distance_km?: number;
    }>();
    return {
      hits: entities.map((listing, i) => ({
        listing,
        ...(radius ? { distanceKm: Math.round(Number(raw[i].distance_km) * 100) / 100 } : {}),
      })),
      total,
    };
  }

  /**
   * Listings like this one: same transaction and property type, ordered by how close the price,
   * size and place are (each difference relative, the place in tens of kilometres).
   */
  similar(listing: PortalListing, limit: number): Promise<PortalListing[]> {
    const qb = this.visible()
      .andWhere('l.id <> :id AND l.transaction = :transaction AND l.property_type = :propertyType', {
        id: listing.id,
        transaction: listing.transaction,
        propertyType: listing.propertyType,
      })
      .setParameters({ price: listing.priceAmount, area: listing.areaM2, rooms: listing.rooms });
    const place =
      listing.latitude !== null && listing.longitude !== null
        ? `COALESCE(${haversine(':lat', ':lng')} / 10, 1)`
        : `CASE WHEN l.city = :city THEN 0 ELSE 1 END`;
    qb.setParameters({ lat: listing.latitude, lng: listing.longitude, city: listing.city });
    return qb
      .addSelect(
        `abs(l.price_amount - :price)::float / GREATEST(:price::float, 1)
         + COALESCE(abs(l.area_m2 - :area::numeric)::float / GREATEST(:area::float, 1), 0.5)
         + COALESCE(abs(l.rooms - :rooms::int)::float / 4, 0.25)
         + ${place}`,
        'similarity',
      )
      .orderBy('similarity', 'ASC')
      .addOrderBy('l.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  private visible(): SelectQueryBuilder<PortalListing> {
    return this.dataSource
      .createQueryBuilder(PortalListing, 'l')
      .where('l.status IN (:...visible)', { visible: VISIBLE });
  }

  /** A latitude/longitude box (index) first, then the exact great-circle distance. */
  private withinRadius(qb: SelectQueryBuilder<PortalListing>, lat: number, lng: number, km: number): void {
    const dLat = km / KM_PER_DEGREE;
    const dLng = km / (KM_PER_DEGREE * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
    qb.andWhere(
      'l.latitude BETWEEN :boxMinLat AND :boxMaxLat AND l.longitude BETWEEN :boxMinLng AND :boxMaxLng',
      {
        boxMinLat: lat - dLat,
        boxMaxLat: lat + dLat,
        boxMinLng: lng - dLng,
        boxMaxLng: lng + dLng,
      },
    )
      .andWhere(`${haversine(':lat', ':lng')} <= :km`, { lat, lng, km })
      .addSelect(haversine(':lat', ':lng'), 'distance_km');
  }

  private order(
    qb: SelectQueryBuilder<PortalListing>,
    sort: SearchSort,
    ranked: boolean,
    radius: boolean,
  ): void {
    if (sort === 'relevance' && ranked) qb.orderBy('rank', 'DESC');
    else if (sort === 'distance' && radius) qb.orderBy('distance_km', 'ASC');
    else if (sort === 'price') qb.orderBy('l.price_amount', 'ASC');
    else if (sort === '-price') qb.orderBy('l.price_amount', 'DESC');
    else if (sort === 'date') qb.orderBy('l.published_at', 'ASC');
    else qb.orderBy('l.published_at', 'DESC');
    qb.addOrderBy('l.id', 'ASC');
  }
}

/**
 * Every word of the query as a prefix ("balkon" finds "balkónem"; there is no Czech stemmer in core
 * PostgreSQL), all required. Only letters and digits reach to_tsquery, so its syntax cannot be injected.
 */
export function searchWords(q: string | undefined): string | null {
  const words = (q ?? '')
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/** Great-circle distance in km from (lat, lng) to the row's coordinates. */
function haversine(lat: string, lng: string): string {
  return `(2 * 6371 * asin(sqrt(
    power(sin(radians(l.latitude - ${lat}) / 2), 2)
    + cos(radians(${lat})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lng}) / 2), 2))))`;
}
