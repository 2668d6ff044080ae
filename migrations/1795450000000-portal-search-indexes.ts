import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Only these rows are ever searched; every search index is partial on it (issue #23, item 4). */
const VISIBLE = `status IN ('published', 'reserved')`;

/**
 * Portal search at 100k listings (issue #23, item 4): indexes that match the predicates and orderings
 * the search really runs (`PortalListingsRepository`), measured with `npm run bench:search`
 * (plans in docs/performance.md).
 *
 * - `portal.fold(text)`: `unaccent(lower(…))` declared IMMUTABLE, so it can be indexed. `unaccent()`
 *   itself is only STABLE (its dictionary could change); ours is pinned to the one dictionary, named
 *   with its schema and bound when the function is created (SQL-standard body), so no search_path can
 *   redirect it.
 * - `portal.geo_point(lat, lng)`: the point on a 6371 km sphere as a 3-D `cube` (extension `cube`).
 *   Built from strict functions only, so the planner inlines it (a call per row would cost ~15 µs).
 *   A GiST index over it answers "nearest first" by KNN (`<->`, the chord, which orders exactly like
 *   the great-circle distance) and a radius by a box (`<@ cube_enlarge(centre, chord)`) then the exact
 *   chord. This is what `earthdistance`'s `ll_to_earth` does, without its unqualified internal calls
 *   (they break index builds under an empty search_path, as pg_restore uses).
 * - `portal.listing_search_vector(…)`: the weighted tsvector the feed writes, in one place (the feed
 *   and the bench data generator both call it).
 * - B-tree indexes per common filter + sort pair, all partial on the visible statuses: newest first,
 *   price either way (backward scans), kind (transaction + property type) with each sort, folded city
 *   and region with newest first. They replace the `(status, …)` and plain `city` indexes, which no
 *   query could use for ordering or for the folded comparison.
 */
export class PortalSearchIndexes1795450000000 implements MigrationInterface {
  name = 'PortalSearchIndexes1795450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public`);
    await q.query(`
      CREATE FUNCTION portal.fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN public.unaccent('public.unaccent'::regdictionary, lower(value))`);
    await q.query(`
      CREATE FUNCTION portal.geo_point(lat double precision, lng double precision) RETURNS public.cube
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN public.cube(public.cube(public.cube(
          6371 * cos(radians(lat)) * cos(radians(lng))),
          6371 * cos(radians(lat)) * sin(radians(lng))),
          6371 * sin(radians(lat)))`);
    await q.query(`
      CREATE FUNCTION portal.listing_search_vector(
          title text, city text, region text, address_line text, description text, features text[])
        RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN setweight(to_tsvector('portal.unaccented'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('portal.unaccented'::regconfig, concat_ws(' ', city, region, address_line)), 'B')
            || setweight(to_tsvector('portal.unaccented'::regconfig,
                 concat_ws(' ', description, array_to_string(features, ' '))), 'C')`);
    // The portal's role calls these in every search; nobody else needs them.
    await q.query(`REVOKE EXECUTE ON FUNCTION portal.fold(text), portal.geo_point(double precision, double precision),
      portal.listing_search_vector(text, text, text, text, text, text[]) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION portal.fold(text), portal.geo_point(double precision, double precision),
      portal.listing_search_vector(text, text, text, text, text, text[]) TO ppt_portal_app`);

    await q.query(`DROP INDEX portal.ix_portal_listings_status_published`);
    await q.query(`DROP INDEX portal.ix_portal_listings_status_price`);
    await q.query(`DROP INDEX portal.ix_portal_listings_city`);
    const visible = (name: string, definition: string) =>
      q.query(`CREATE INDEX ${name} ON portal.listings ${definition} WHERE ${VISIBLE}`);
    await visible('ix_portal_listings_visible_date', '(published_at, id)');
    await visible('ix_portal_listings_visible_price', '(price_amount, id)');
    await visible('ix_portal_listings_visible_kind_date', '(transaction, property_type, published_at, id)');
    await visible('ix_portal_listings_visible_kind_price', '(transaction, property_type, price_amount, id)');
    await visible('ix_portal_listings_visible_city', '(portal.fold(city), published_at, id)');
    await visible('ix_portal_listings_visible_region', '(portal.fold(region), published_at, id)');
    await visible('ix_portal_listings_visible_geo', 'USING gist (portal.geo_point(latitude, longitude))');
    await q.query(`ANALYZE portal.listings`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['date', 'price', 'kind_date', 'kind_price', 'city', 'region', 'geo']) {
      await q.query(`DROP INDEX portal.ix_portal_listings_visible_${name}`);
    }
    await q.query(`CREATE INDEX ix_portal_listings_status_published ON portal.listings (status, published_at)`);
    await q.query(`CREATE INDEX ix_portal_listings_status_price ON portal.listings (status, price_amount)`);
    await q.query(`CREATE INDEX ix_portal_listings_city ON portal.listings (city)`);
    await q.query(`DROP FUNCTION portal.listing_search_vector(text, text, text, text, text, text[])`);
    await q.query(`DROP FUNCTION portal.geo_point(double precision, double precision)`);
    await q.query(`DROP FUNCTION portal.fold(text)`);
    await q.query(`DROP EXTENSION IF EXISTS cube`);
  }
}
