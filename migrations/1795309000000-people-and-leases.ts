import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People (owners, tenants, household members; optionally linked to a user account) and leases.
 * No two active leases of one unit overlap: an exclusion constraint (btree_gist) enforces it, so it
 * holds under concurrent requests too.
 */
export class PeopleAndLeases1795309000000 implements MigrationInterface {
  name = 'PeopleAndLeases1795309000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE people (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_people PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_people_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        first_name varchar(100) NOT NULL,
        last_name varchar(100) NOT NULL,
        email varchar(320),
        phone varchar(40),
        user_id uuid CONSTRAINT fk_people_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_people_org_id ON people (organization_id, id)`);
    await q.query(`CREATE INDEX ix_people_org_last_name ON people (organization_id, last_name)`);

    await q.query(`CREATE TYPE lease_status AS ENUM ('draft', 'active', 'terminated', 'expired')`);
    await q.query(`
      CREATE TABLE leases (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_leases PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_leases_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        primary_tenant_id uuid NOT NULL,
        lease_number varchar(50) NOT NULL,
        start_date date NOT NULL,
        end_date date,
        rent_amount bigint NOT NULL,
        deposit_amount bigint NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        payment_day smallint NOT NULL,
        status lease_status NOT NULL DEFAULT 'draft',
        version integer NOT NULL DEFAULT 1,
        terminated_at date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_leases_dates CHECK (end_date IS NULL OR end_date >= start_date),
        CONSTRAINT ck_leases_amounts CHECK (rent_amount >= 0 AND deposit_amount >= 0 AND payment_day BETWEEN 1 AND 28),
        CONSTRAINT fk_leases_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_leases_primary_tenant_id_organization_id FOREIGN KEY (primary_tenant_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT ex_leases_active_overlap EXCLUDE USING gist (
          organization_id WITH =, unit_id WITH =, daterange(start_date, end_date, '[]') WITH &&
        ) WHERE (status = 'active')
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_leases_org_number ON leases (organization_id, lease_number)`);
    await q.query(`CREATE INDEX ix_leases_org_unit ON leases (organization_id, unit_id)`);
    await q.query(`CREATE INDEX ix_leases_org_status_end ON leases (organization_id, status, end_date)`);

    for (const table of ['people', 'leases']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE leases`);
    await q.query(`DROP TYPE lease_status`);
    await q.query(`DROP TABLE people`);
    // btree_gist stays: other objects may use it, and dropping extensions needs more rights.
  }
}
