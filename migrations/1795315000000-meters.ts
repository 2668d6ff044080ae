import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Meters per unit, their readings (never decreasing unless a replacement), and reading periods. */
export class Meters1795315000000 implements MigrationInterface {
  name = 'Meters1795315000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE meter_type AS ENUM ('water_cold', 'water_hot', 'heat', 'electricity', 'gas')`);
    await q.query(`
      CREATE TABLE meters (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_meters PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_meters_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        type meter_type NOT NULL,
        serial_number varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_meters_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_meters_org_serial ON meters (organization_id, serial_number)`);
    await q.query(`CREATE UNIQUE INDEX uq_meters_org_id ON meters (organization_id, id)`);
    await q.query(`CREATE INDEX ix_meters_org_unit ON meters (organization_id, unit_id)`);

    await q.query(`
      CREATE TABLE reading_periods (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_reading_periods PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_reading_periods_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        starts_on date NOT NULL,
        deadline date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_reading_periods_dates CHECK (deadline >= starts_on)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_reading_periods_org_id ON reading_periods (organization_id, id)`);
    await q.query(
      `CREATE INDEX ix_reading_periods_org_deadline ON reading_periods (organization_id, deadline)`,
    );

    await q.query(`
      CREATE TABLE meter_readings (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_meter_readings PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_meter_readings_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        meter_id uuid NOT NULL,
        period_id uuid,
        value numeric(14, 3) NOT NULL,
        read_on date NOT NULL,
        is_replacement boolean NOT NULL DEFAULT false,
        submitted_by_user_id uuid CONSTRAINT fk_meter_readings_submitted_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_meter_readings_value CHECK (value >= 0),
        CONSTRAINT fk_meter_readings_meter_id_organization_id FOREIGN KEY (meter_id, organization_id)
          REFERENCES meters (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_meter_readings_period_id_organization_id FOREIGN KEY (period_id, organization_id)
          REFERENCES reading_periods (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE INDEX ix_meter_readings_org_meter_read ON meter_readings (organization_id, meter_id, read_on)`,
    );

    for (const table of ['meters', 'reading_periods', 'meter_readings']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE meter_readings`);
    await q.query(`DROP TABLE reading_periods`);
    await q.query(`DROP TABLE meters`);
    await q.query(`DROP TYPE meter_type`);
  }
}
