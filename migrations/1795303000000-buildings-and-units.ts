import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Buildings and units: the first organisation-owned tables of the PM core.
 * Tenant rules: organization_id on every row, an index starting with it, RLS (ENABLE + FORCE) on
 * app_current_org(), unique constraints and foreign keys that include organization_id (a unit can
 * only point at a building of its own organisation).
 */
export class BuildingsAndUnits1795303000000 implements MigrationInterface {
  name = 'BuildingsAndUnits1795303000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE building_type AS ENUM ('residential', 'commercial', 'mixed')`);
    await q.query(`
      CREATE TABLE buildings (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_buildings PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_buildings_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        address_line varchar(300) NOT NULL,
        city varchar(120) NOT NULL,
        postal_code varchar(20) NOT NULL,
        country char(2) NOT NULL,
        latitude numeric(9, 6),
        longitude numeric(9, 6),
        year_built smallint,
        floors smallint,
        type building_type NOT NULL DEFAULT 'residential',
        manager_user_id uuid CONSTRAINT fk_buildings_manager_user_id REFERENCES users (id) ON DELETE SET NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_buildings_org_id ON buildings (organization_id, id)`);
    await q.query(`CREATE INDEX ix_buildings_org_name ON buildings (organization_id, name)`);
    await q.query(`CREATE INDEX ix_buildings_org_city ON buildings (organization_id, city)`);

    await q.query(`CREATE TYPE unit_type AS ENUM ('apartment', 'commercial', 'parking', 'cellar')`);
    await q.query(`CREATE TYPE unit_status AS ENUM ('vacant', 'occupied', 'reserved', 'unavailable')`);
    await q.query(`
      CREATE TABLE units (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_units PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_units_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        building_id uuid NOT NULL,
        number varchar(30) NOT NULL,
        floor smallint,
        area_m2 numeric(10, 2),
        rooms numeric(4, 1),
        type unit_type NOT NULL DEFAULT 'apartment',
        ownership_share_numerator integer NOT NULL DEFAULT 0,
        ownership_share_denominator integer NOT NULL DEFAULT 1,
        status unit_status NOT NULL DEFAULT 'vacant',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_units_ownership_share CHECK (ownership_share_numerator >= 0 AND ownership_share_denominator > 0),
        CONSTRAINT fk_units_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_units_org_building_number ON units (organization_id, building_id, number)`,
    );
    await q.query(`CREATE UNIQUE INDEX uq_units_org_id ON units (organization_id, id)`);
    await q.query(`CREATE INDEX ix_units_org_status ON units (organization_id, status)`);

    for (const table of ['buildings', 'units']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE units`);
    await q.query(`DROP TYPE unit_status`);
    await q.query(`DROP TYPE unit_type`);
    await q.query(`DROP TABLE buildings`);
    await q.query(`DROP TYPE building_type`);
  }
}
