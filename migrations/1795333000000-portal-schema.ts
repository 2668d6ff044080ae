import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Reality Portal's own schema: the read model of published listings (filled from listing events),
 * favourites, saved searches and inquiries waiting for delivery to api-server. Public data, so no
 * row-level security; per-visitor rows are filtered by user id in the portal's services.
 * Text search uses an accent-insensitive configuration (Czech has no stemmer in core PostgreSQL, and
 * visitors type "zahrada" for "zahrádka" as often as not); geo search uses a latitude/longitude box.
 */
export class PortalSchema1795333000000 implements MigrationInterface {
  name = 'PortalSchema1795333000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE SCHEMA portal`);
    await q.query(`CREATE TEXT SEARCH CONFIGURATION portal.unaccented (COPY = simple)`);
    await q.query(`
      ALTER TEXT SEARCH CONFIGURATION portal.unaccented
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple`);
    await q.query(`
      CREATE TABLE portal.listings (
        id uuid NOT NULL CONSTRAINT pk_portal_listings PRIMARY KEY,
        organization_id uuid NOT NULL,
        version integer NOT NULL,
        status varchar(20) NOT NULL,
        transaction varchar(10) NOT NULL,
        property_type varchar(20) NOT NULL,
        title varchar(200) NOT NULL,
        description text NOT NULL,
        price_amount bigint NOT NULL,
        currency char(3) NOT NULL,
        area_m2 numeric(10,2),
        rooms smallint,
        floor smallint,
        energy_class varchar(1),
        features text[] NOT NULL,
        address_line varchar(300) NOT NULL,
        city varchar(120) NOT NULL,
        region varchar(120),
        postal_code varchar(20) NOT NULL,
        country char(2) NOT NULL,
        latitude numeric(9,6),
        longitude numeric(9,6),
        photo_document_ids uuid[] NOT NULL,
        contact_user_id uuid,
        published_at timestamptz,
        search_vector tsvector,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX ix_portal_listings_status_published ON portal.listings (status, published_at)`,
    );
    await q.query(`CREATE INDEX ix_portal_listings_status_price ON portal.listings (status, price_amount)`);
    await q.query(`CREATE INDEX ix_portal_listings_city ON portal.listings (city)`);
    // GIN: declared on the entity with synchronize false (TypeORM cannot express the method).
    await q.query(`CREATE INDEX ix_portal_listings_search ON portal.listings USING gin (search_vector)`);
    await q.query(`CREATE INDEX ix_portal_listings_geo ON portal.listings (latitude, longitude)`);

    await q.query(`
      CREATE TABLE portal.favorites (
        user_id uuid NOT NULL,
        listing_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_portal_favorites PRIMARY KEY (user_id, listing_id)
      )`);
    await q.query(`
      CREATE TABLE portal.saved_searches (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_portal_saved_searches PRIMARY KEY,
        user_id uuid NOT NULL,
        name varchar(200) NOT NULL,
        filters jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX ix_portal_saved_searches_user ON portal.saved_searches (user_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE portal.inquiries (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_portal_inquiries PRIMARY KEY,
        listing_id uuid NOT NULL,
        user_id uuid,
        name varchar(200) NOT NULL,
        email varchar(320) NOT NULL,
        phone varchar(40),
        message varchar(5000) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error varchar(1000)
      )`);
    await q.query(
      `CREATE INDEX ix_portal_inquiries_undelivered ON portal.inquiries (delivered_at, created_at)`,
    );

    await q.query(`GRANT USAGE ON SCHEMA portal TO ppt_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA portal TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA portal CASCADE`);
  }
}
