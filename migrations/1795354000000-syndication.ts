import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Listing syndication: the portals each organisation publishes to (sealed credentials), where each
 * listing stands on each portal with its history, the portal webhooks already applied, and per-day
 * portal statistics.
 */
export class Syndication1795354000000 implements MigrationInterface {
  name = 'Syndication1795354000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE syndication_portal AS ENUM ('reality-portal', 'sreality', 'openimmo', 'webhook')`,
    );
    await q.query(
      `CREATE TYPE syndication_status AS ENUM ('pending', 'syncing', 'active', 'failed', 'removing', 'removed')`,
    );
    await q.query(`
      CREATE TABLE portal_targets (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_portal_targets PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_portal_targets_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        portal syndication_portal NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        credentials_sealed text,
        inbound_secrets_sealed text,
        options jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_portal_targets_org_portal ON portal_targets (organization_id, portal)`,
    );

    await q.query(`
      CREATE TABLE listing_syndications (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_listing_syndications PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_listing_syndications_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        listing_id uuid NOT NULL,
        portal syndication_portal NOT NULL,
        status syndication_status NOT NULL DEFAULT 'pending',
        wanted varchar(10) NOT NULL DEFAULT 'listed',
        held boolean NOT NULL DEFAULT false,
        wanted_version integer NOT NULL,
        synced_version integer,
        external_id varchar(200),
        external_url varchar(1000),
        revision integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_success_at timestamptz,
        last_error_code varchar(40),
        last_error varchar(2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_listing_syndications_listing_id_organization_id FOREIGN KEY (listing_id, organization_id)
          REFERENCES listings (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_listing_syndications_org_listing_portal ON listing_syndications (organization_id, listing_id, portal)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX uq_listing_syndications_org_id ON listing_syndications (organization_id, id)`,
    );
    await q.query(
      `CREATE INDEX ix_listing_syndications_org_status ON listing_syndications (organization_id, status)`,
    );
    await q.query(
      `CREATE INDEX ix_listing_syndications_portal_external ON listing_syndications (portal, external_id)`,
    );

    await q.query(`
      CREATE TABLE syndication_transitions (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_syndication_transitions PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_syndication_transitions_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        syndication_id uuid NOT NULL,
        from_status syndication_status,
        to_status syndication_status NOT NULL,
        detail varchar(2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_syndication_transitions_syndication_id_organization_id FOREIGN KEY (syndication_id, organization_id)
          REFERENCES listing_syndications (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_syndication_transitions_org_syndication ON syndication_transitions (organization_id, syndication_id, created_at)`,
    );

    await q.query(`
      CREATE TABLE portal_webhook_receipts (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_portal_webhook_receipts PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_portal_webhook_receipts_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        portal syndication_portal NOT NULL,
        event_id varchar(200) NOT NULL,
        event_type varchar(100) NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_portal_webhook_receipts_org_portal_event ON portal_webhook_receipts (organization_id, portal, event_id)`,
    );

    await q.query(`
      CREATE TABLE listing_portal_stats (
        organization_id uuid NOT NULL CONSTRAINT fk_listing_portal_stats_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        listing_id uuid NOT NULL,
        portal syndication_portal NOT NULL,
        day date NOT NULL,
        views integer NOT NULL DEFAULT 0,
        favorites integer NOT NULL DEFAULT 0,
        inquiries integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_listing_portal_stats PRIMARY KEY (organization_id, listing_id, portal, day),
        CONSTRAINT fk_listing_portal_stats_listing_id_organization_id FOREIGN KEY (listing_id, organization_id)
          REFERENCES listings (id, organization_id) ON DELETE CASCADE
      )`);

    const tables = [
      'portal_targets',
      'listing_syndications',
      'syndication_transitions',
      'portal_webhook_receipts',
      'listing_portal_stats',
    ];
    for (const table of tables) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    // A portal webhook names only the portal and its own advert id: the organisation is found through
    // this read-only scope (and the signature then checked with that organisation's secrets).
    await q.query(`
      CREATE POLICY listing_syndications_webhook_lookup ON listing_syndications FOR SELECT
        USING (app_platform_scope() = 'portal-webhook')`);
    await q.query(`
      CREATE POLICY portal_targets_webhook_lookup ON portal_targets FOR SELECT
        USING (app_platform_scope() IN ('portal-webhook', 'syndication-reconcile'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE listing_portal_stats`);
    await q.query(`DROP TABLE portal_webhook_receipts`);
    await q.query(`DROP TABLE syndication_transitions`);
    await q.query(`DROP TABLE listing_syndications`);
    await q.query(`DROP TABLE portal_targets`);
    await q.query(`DROP TYPE syndication_status`);
    await q.query(`DROP TYPE syndication_portal`);
  }
}
