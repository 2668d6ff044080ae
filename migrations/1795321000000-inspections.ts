import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inspections of a building or unit with rated items and a summary. */
export class Inspections1795321000000 implements MigrationInterface {
  name = 'Inspections1795321000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspections (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_inspections PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_inspections_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        building_id uuid NOT NULL,
        unit_id uuid,
        inspected_on date NOT NULL,
        inspector_user_id uuid CONSTRAINT fk_inspections_inspector_user_id REFERENCES users (id) ON DELETE SET NULL,
        summary text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_inspections_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_inspections_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_inspections_org_id ON inspections (organization_id, id)`);
    await q.query(
      `CREATE INDEX ix_inspections_org_building_date ON inspections (organization_id, building_id, inspected_on)`,
    );
    await q.query(`
      CREATE TABLE inspection_items (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_inspection_items PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_inspection_items_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        inspection_id uuid NOT NULL,
        area varchar(100) NOT NULL,
        rating smallint NOT NULL,
        notes varchar(2000),
        position smallint NOT NULL,
        CONSTRAINT ck_inspection_items_rating CHECK (rating BETWEEN 1 AND 5),
        CONSTRAINT fk_inspection_items_inspection_id_organization_id FOREIGN KEY (inspection_id, organization_id)
          REFERENCES inspections (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_inspection_items_org_inspection ON inspection_items (organization_id, inspection_id, position)`,
    );
    for (const table of ['inspections', 'inspection_items']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inspection_items`);
    await q.query(`DROP TABLE inspections`);
  }
}
