import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who owns or lives in which unit, and when (a person linked to a user account sees their units). */
export class UnitOccupants1795318000000 implements MigrationInterface {
  name = 'UnitOccupants1795318000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE occupant_relation AS ENUM ('owner', 'tenant', 'household_member')`);
    await q.query(`
      CREATE TABLE unit_occupants (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_unit_occupants PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_unit_occupants_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        person_id uuid NOT NULL,
        relation occupant_relation NOT NULL,
        starts_on date NOT NULL,
        ends_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_unit_occupants_dates CHECK (ends_on IS NULL OR ends_on >= starts_on),
        CONSTRAINT fk_unit_occupants_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_unit_occupants_person_id_organization_id FOREIGN KEY (person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_unit_occupants_org_unit ON unit_occupants (organization_id, unit_id)`);
    await q.query(`CREATE INDEX ix_unit_occupants_org_person ON unit_occupants (organization_id, person_id)`);
    await q.query(`ALTER TABLE unit_occupants ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE unit_occupants FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY unit_occupants_isolation ON unit_occupants
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON unit_occupants TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_occupants`);
    await q.query(`DROP TYPE occupant_relation`);
  }
}
