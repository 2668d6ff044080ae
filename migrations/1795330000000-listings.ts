import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Listings on the PM side (sale or rent, from a unit or standalone) with their status history, and
 * the inquiries the portal delivers for them.
 */
export class Listings1795330000000 implements MigrationInterface {
  name = 'Listings1795330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE listing_transaction AS ENUM ('sale', 'rent')`);
    await q.query(
      `CREATE TYPE property_type AS ENUM ('apartment', 'house', 'commercial', 'land', 'parking', 'other')`,
    );
    await q.query(`CREATE TYPE energy_class AS ENUM ('A', 'B', 'C', 'D', 'E', 'F', 'G')`);
    await q.query(
      `CREATE TYPE listing_status AS ENUM ('draft', 'published', 'reserved', 'sold', 'rented', 'withdrawn')`,
    );
    await q.query(`
      CREATE TABLE listings (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_listings PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_listings_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        unit_id uuid,
        transaction listing_transaction NOT NULL,
        property_type property_type NOT NULL,
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        price_amount bigint NOT NULL,
        currency char(3) NOT NULL,
        area_m2 numeric(10,2),
        rooms smallint,
        floor smallint,
        energy_class energy_class,
        features text[] NOT NULL DEFAULT '{}',
        address_line varchar(300) NOT NULL,
        city varchar(120) NOT NULL,
        region varchar(120),
        postal_code varchar(20) NOT NULL,
        country char(2) NOT NULL,
        latitude numeric(9,6),
        longitude numeric(9,6),
        photo_document_ids uuid[] NOT NULL DEFAULT '{}',
        contact_user_id uuid CONSTRAINT fk_listings_contact_user_id REFERENCES users (id) ON DELETE SET NULL,
        status listing_status NOT NULL DEFAULT 'draft',
        published_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_listings_price CHECK (price_amount >= 0),
        CONSTRAINT fk_listings_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_listings_org_id ON listings (organization_id, id)`);
    await q.query(`CREATE INDEX ix_listings_org_status ON listings (organization_id, status)`);
    await q.query(`CREATE INDEX ix_listings_org_contact ON listings (organization_id, contact_user_id)`);
    await q.query(`CREATE INDEX ix_listings_org_unit ON listings (organization_id, unit_id)`);

    await q.query(`
      CREATE TABLE listing_status_changes (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_listing_status_changes PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_listing_status_changes_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        listing_id uuid NOT NULL,
        from_status listing_status,
        to_status listing_status NOT NULL,
        changed_by_user_id uuid CONSTRAINT fk_listing_status_changes_changed_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        note varchar(1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_listing_status_changes_listing_id_organization_id FOREIGN KEY (listing_id, organization_id)
          REFERENCES listings (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_listing_status_changes_org_listing ON listing_status_changes (organization_id, listing_id, created_at)`,
    );

    await q.query(`
      CREATE TABLE listing_inquiries (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_listing_inquiries PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_listing_inquiries_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        listing_id uuid NOT NULL,
        portal_inquiry_id uuid NOT NULL,
        visitor_user_id uuid,
        name varchar(200) NOT NULL,
        email varchar(320) NOT NULL,
        phone varchar(40),
        message varchar(5000) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_listing_inquiries_listing_id_organization_id FOREIGN KEY (listing_id, organization_id)
          REFERENCES listings (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_listing_inquiries_org_listing ON listing_inquiries (organization_id, listing_id, created_at)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX uq_listing_inquiries_org_portal_id ON listing_inquiries (organization_id, portal_inquiry_id)`,
    );

    for (const table of ['listings', 'listing_status_changes', 'listing_inquiries']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    // The portal's inquiry delivery names only the listing; it finds the organisation through this
    // read-only scope, then writes the inquiry in that organisation's tenant scope.
    await q.query(`
      CREATE POLICY listings_inquiry_lookup ON listings FOR SELECT
        USING (app_platform_scope() = 'inquiry-delivery')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE listing_inquiries`);
    await q.query(`DROP TABLE listing_status_changes`);
    await q.query(`DROP TABLE listings`);
    await q.query(`DROP TYPE listing_status`);
    await q.query(`DROP TYPE energy_class`);
    await q.query(`DROP TYPE property_type`);
    await q.query(`DROP TYPE listing_transaction`);
  }
}
