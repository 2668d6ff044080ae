import { Injectable } from '@nestjs/common';
import type { ListingSnapshot } from '@ppt/events';
import { PortalListing } from '@ppt/portal-db';
import { AppError } from '@ppt/observability';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import type { SearchListingsQueryDto, SearchSort } from './dto/search.dto';

/** What visitors see; other statuses stay in the table so favourites survive a withdrawal. */
export const VISIBLE = ['published', 'reserved'];
/** The same condition as SQL (column `status`), word for word the partial indexes' predicate. */
const VISIBLE_SQL = `status IN (${VISIBLE.map((s) => `'${s}'`).join(', ')})`;
const TS_CONFIG = 'portal.unaccented';

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

/** The portal's read model of listings (schema `portal`; public data, no tenant scope). */
@Injectable()
export class PortalListingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the listing as of `version` unless a newer (or the same) version is already stored, so
   * redelivered and out-of-order events change nothing. Returns whether this version was applied.
   */
  apply(organizationId: string, version: number, s: ListingSnapshot): Promise<boolean> {
    const names = ['id', 'organization_id', 'version', ...COLUMNS.map(([c]) => c)];
    const values = [s.listingId, organizationId, version, ...COLUMNS.map(([, v]) => v(s))];
    // The search-vector inputs are cast alike in both uses (PostgreSQL deduces one type per parameter).
    const placeholder = (column: string) =>
      SEARCH_VECTOR_COLUMNS.includes(column)
        ? `$${names.indexOf(column) + 1}::${column === 'features' ? 'text[]' : 'text'}`
        : `$${names.indexOf(column) + 1}`;
    // Title weighs most, then the place, then the description; accents do not matter.
    const searchVector = `portal.listing_search_vector(${SEARCH_VECTOR_COLUMNS.map(placeholder).join(', ')})`;
    const placeholders = names.map(placeholder).concat(searchVector, 'now()');
    const written = [...names, 'search_vector', 'updated_at'];
    return this.dataSource
      .query(
        `INSERT INTO portal.listings (${written.join(', ')}) VALUES (${placeholders.join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${written
           .slice(1)
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}
         WHERE portal.listings.version < EXCLUDED.version
         RETURNING id`,
        values,
      )
      .then((applied: unknown[]) => applied.length > 0);
  }

  findVisible(id: string): Promise<PortalListing | null> {
    return this.visible().andWhere('l.id = :id', { id }).getOne();
  }

  /**
   * One page of a search, newest first unless told otherwise. `after` continues behind the last row
   * of the previous page (keyset: the index walks on from there instead of skipping `offset` rows).
   * The total is exact up to EXACT_TOTAL_LIMIT matches and the planner's estimate beyond.
   */
  async search(f: SearchListingsQueryDto, after?: SearchCursor): Promise<SearchResult> {
    const qb = this.visible();
    if (f.transaction) qb.andWhere('l.transaction = :transaction', { transaction: f.transaction });
    if (f.propertyType) qb.andWhere('l.property_type = :propertyType', { propertyType: f.propertyType });
    if (f.priceMin !== undefined) qb.andWhere('l.price_amount >= :priceMin', { priceMin: f.priceMin });
    if (f.priceMax !== undefined) qb.andWhere('l.price_amount <= :priceMax', { priceMax: f.priceMax });
    if (f.areaMin !== undefined) qb.andWhere('l.area_m2 >= :areaMin', { areaMin: f.areaMin });
    if (f.areaMax !== undefined) qb.andWhere('l.area_m2 <= :areaMax', { areaMax: f.areaMax });
    if (f.roomsMin !== undefined) qb.andWhere('l.rooms >= :roomsMin', { roomsMin: f.roomsMin });
    // portal.fold = unaccent(lower(…)), indexed (migration 1795450000000).
    if (f.city) qb.andWhere('portal.fold(l.city) = portal.fold(:city)', { city: f.city });
    if (f.region) qb.andWhere('portal.fold(l.region) = portal.fold(:region)', { region: f.region });
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
    const counted = qb.clone();
    const sort = effectiveSort(f.sort, Boolean(words), radius);
    this.order(qb, sort);
    if (after) this.continueAfter(qb, sort, after);
    const { entities, raw } = await qb
      .limit(f.limit)
      .offset(after ? 0 : f.offset)
      .getRawAndEntities<{ distance_km?: number }>();
    const hits = entities.map((listing, i) => ({
      listing,
      ...(radius ? { distanceKm: Math.round(Number(raw[i].distance_km) * 100) / 100 } : {}),
    }));
    // A first page that is not full holds every match: no count query.
    const { total, exact } =
      !after && f.offset === 0 && hits.length < f.limit
        ? { total: hits.length, exact: true }
        : await this.count(counted);
    const last = entities[entities.length - 1];
    const next = last && entities.length === f.limit && KEYSET_SORTS.has(sort) ? cursorOf(sort, last) : null;
    return { hits, total, totalExact: exact, next };
  }

  /**
   * Counting every match of a broad search costs a scan of all of them (tens of milliseconds at 100k
   * listings); nobody reads "48 213" differently from "about 48 000". So count at most
   * EXACT_TOTAL_LIMIT + 1 rows, and above that take the planner's row estimate for the same query.
   */
  private async count(qb: SelectQueryBuilder<PortalListing>): Promise<{ total: number; exact: boolean }> {
    const matches = qb
      .select('1')
      .orderBy()
      .limit(EXACT_TOTAL_LIMIT + 1);
    const [sql, params] = matches.getQueryAndParameters();
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM (${sql}) m`, params)) as {
      n: number;
    }[];
    if (n <= EXACT_TOTAL_LIMIT) return { total: n, exact: true };
    const [unlimitedSql] = qb.limit(undefined).getQueryAndParameters();
    const [row] = (await this.dataSource.query(`EXPLAIN (FORMAT JSON) ${unlimitedSql}`, params)) as {
      'QUERY PLAN': { Plan: { 'Plan Rows': number } }[];
    }[];
    const estimate = Math.round(row['QUERY PLAN'][0].Plan['Plan Rows']);
    return { total: Math.max(estimate, EXACT_TOTAL_LIMIT + 1), exact: false };
  }

  /**
   * Listings like this one: same transaction and property type, ordered by how close the price,
   * size and place are (each difference relative, the place in tens of kilometres). With coordinates,
   * the candidates are the SIMILAR_CANDIDATES nearest of that kind (a KNN walk of the geo index)
   * rather than every listing of the kind, which at 100k listings is a scan of tens of thousands.
   */
  similar(listing: PortalListing, limit: number): Promise<PortalListing[]> {
    const qb = this.visible()
      .andWhere('l.id <> :id AND l.transaction = :transaction AND l.property_type = :propertyType', {
        id: listing.id,
        transaction: listing.transaction,
        propertyType: listing.propertyType,
      })
      .setParameters({ price: listing.priceAmount, area: listing.areaM2, rooms: listing.rooms });
    const located = listing.latitude !== null && listing.longitude !== null;
    const place = located
      ? `COALESCE(${greatCircleKm(':lat', ':lng')} / 10, 1)`
      : `CASE WHEN l.city = :city THEN 0 ELSE 1 END`;
    qb.setParameters({ lat: listing.latitude, lng: listing.longitude, city: listing.city });
    qb.addSelect(
      `abs(l.price_amount - :price)::float / GREATEST(:price::float, 1)
         + COALESCE(abs(l.area_m2 - :area::numeric)::float / GREATEST(:area::float, 1), 0.5)
         + COALESCE(abs(l.rooms - :rooms::int)::float / 4, 0.25)
         + ${place}`,
      'similarity',
    );
    if (located) {
      qb.andWhere(
        `l.id IN (SELECT n.id FROM portal.listings n
                   WHERE n.${VISIBLE_SQL}
                     AND n.transaction = :transaction AND n.property_type = :propertyType
                     AND n.latitude IS NOT NULL AND n.longitude IS NOT NULL
                   ORDER BY portal.geo_point(n.latitude, n.longitude) <-> portal.geo_point(:lat, :lng)
                   LIMIT ${SIMILAR_CANDIDATES})`,
      );
    }
    return qb.orderBy('similarity', 'ASC').addOrderBy('l.id', 'ASC').limit(limit).getMany();
  }

  /** Inlined (not a parameter), so the planner can match the partial indexes' predicate. */
  private visible(): SelectQueryBuilder<PortalListing> {
    return this.dataSource.createQueryBuilder(PortalListing, 'l').where(`l.${VISIBLE_SQL}`);
  }

  /**
   * A box around the centre (GiST index), then the exact distance. Both on the sphere's chord: it
   * grows with the great-circle distance, so "chord ≤ chord(radius)" is "distance ≤ radius".
   */
  private withinRadius(qb: SelectQueryBuilder<PortalListing>, lat: number, lng: number, km: number): void {
    const chord = 2 * EARTH_RADIUS_KM * Math.sin(Math.min(km / (2 * EARTH_RADIUS_KM), Math.PI / 2));
    qb.andWhere(`${GEO_POINT} <@ cube_enlarge(portal.geo_point(:lat, :lng), :chord, 3)`)
      .andWhere(`${GEO_POINT} <-> portal.geo_point(:lat, :lng) <= :chord`)
      .setParameters({ lat, lng, chord })
      .addSelect(greatCircleKm(':lat', ':lng'), 'distance_km');
  }

  /** Ties broken by id in the same direction, so one (key, id) index serves both directions. */
  private order(qb: SelectQueryBuilder<PortalListing>, sort: EffectiveSort): void {
    if (sort === 'relevance') qb.orderBy('rank', 'DESC').addOrderBy('l.id', 'ASC');
    // The distance alone: a tie-breaker would stop the GiST index from returning rows nearest first.
    else if (sort === 'distance') qb.orderBy(`${GEO_POINT} <-> portal.geo_point(:lat, :lng)`, 'ASC');
    else if (sort === 'price') qb.orderBy('l.price_amount', 'ASC').addOrderBy('l.id', 'ASC');
    else if (sort === '-price') qb.orderBy('l.price_amount', 'DESC').addOrderBy('l.id', 'DESC');
    else if (sort === 'date') qb.orderBy('l.published_at', 'ASC', 'NULLS LAST').addOrderBy('l.id', 'ASC');
    else qb.orderBy('l.published_at', 'DESC', 'NULLS FIRST').addOrderBy('l.id', 'DESC');
  }

  /** Rows strictly behind the cursor's (key, id) in the page order (row comparisons use the index). */
  private continueAfter(
    qb: SelectQueryBuilder<PortalListing>,
    sort: EffectiveSort,
    after: SearchCursor,
  ): void {
    if (after.sort !== sort) {
      throw new AppError('INVALID_CURSOR', 400, 'The cursor belongs to a search with another sort order');
    }
    const params = { afterKey: after.key, afterId: after.id };
    if (sort === 'price') qb.andWhere('(l.price_amount, l.id) > (:afterKey, :afterId)', params);
    else if (sort === '-price') qb.andWhere('(l.price_amount, l.id) < (:afterKey, :afterId)', params);
    // Newest first puts undated rows first (NULLS FIRST), oldest first puts them last.
    else if (sort === '-date') {
      qb.andWhere(
        after.key === null
          ? '(l.published_at IS NOT NULL OR l.id < :afterId)'
          : '(l.published_at, l.id) < (:afterKey, :afterId)',
        params,
      );
    } else if (sort === 'date') {
      qb.andWhere(
        after.key === null
          ? '(l.published_at IS NULL AND l.id > :afterId)'
          : '((l.published_at, l.id) > (:afterKey, :afterId) OR l.published_at IS NULL)',
        params,
      );
    }
  }
}

const EXACT_TOTAL_LIMIT = 1000;
const SIMILAR_CANDIDATES = 200;
const EARTH_RADIUS_KM = 6371;
const GEO_POINT = 'portal.geo_point(l.latitude, l.longitude)';

/** The arguments of portal.listing_search_vector, in order. */
const SEARCH_VECTOR_COLUMNS = ['title', 'city', 'region', 'address_line', 'description', 'features'];

export interface SearchHit {
  listing: PortalListing;
  distanceKm?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  /** False when `total` is the planner's estimate (more than EXACT_TOTAL_LIMIT matches). */
  totalExact: boolean;
  /** Where the next page starts, for the sorts that can continue by key (null on the last page). */
  next: SearchCursor | null;
}

type EffectiveSort = SearchSort;

/** The sorts whose order is an index's order, so a page can start behind a (key, id) pair. */
export const KEYSET_SORTS: ReadonlySet<SearchSort> = new Set(['date', '-date', 'price', '-price']);

/** The last row of a page in a keyset sort: its sort key (ISO date or price; null for an undated row) and id. */
export interface SearchCursor {
  sort: SearchSort;
  key: string | number | null;
  id: string;
}

/** Relevance needs words, distance needs a radius; without them newest first. */
export function effectiveSort(sort: SearchSort | undefined, ranked: boolean, radius: boolean): SearchSort {
  const wanted = sort ?? (ranked ? 'relevance' : radius ? 'distance' : '-date');
  if ((wanted === 'relevance' && !ranked) || (wanted === 'distance' && !radius)) return '-date';
  return wanted;
}

function cursorOf(sort: SearchSort, last: PortalListing): SearchCursor {
  const key =
    sort === 'price' || sort === '-price' ? last.priceAmount : (last.publishedAt?.toISOString() ?? null);
  return { sort, key, id: last.id };
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

/** Great-circle distance in km from (lat, lng) to the row's coordinates, from the chord. */
function greatCircleKm(lat: string, lng: string): string {
  return `(2 * ${EARTH_RADIUS_KM} * asin(least(1, (${GEO_POINT} <-> portal.geo_point(${lat}, ${lng})) / ${2 * EARTH_RADIUS_KM})))`;
}
