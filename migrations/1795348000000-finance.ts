import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finance: charges (what a unit or lease owes), payments against them and building expenses, all in
 * integer minor units with an ISO currency. The daily overdue job finds organisations with charges past
 * due through the read-only platform scope 'finance-overdue'; the changes themselves run per
 * organisation in the tenant scope.
 */
export class Finance1795348000000 implements MigrationInterface {
  name = 'Finance1795348000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE charge_kind AS ENUM ('rent', 'service_charge', 'utilities', 'deposit', 'fee', 'other')`,
    );
    await q.query(`CREATE TYPE charge_status AS ENUM ('pending', 'paid', 'overdue', 'cancelled')`);
    await q.query(
      `CREATE TYPE payment_method AS ENUM ('bank_transfer', 'card', 'cash', 'direct_debit', 'other')`,
    );
    await q.query(
      `CREATE TYPE expense_category AS ENUM ('maintenance', 'utilities', 'insurance', 'cleaning', 'management', 'repairs', 'other')`,
    );
    await q.query(`
      CREATE TABLE charges (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_charges PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_charges_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        unit_id uuid NOT NULL,
        lease_id uuid,
        person_id uuid,
        kind charge_kind NOT NULL,
        description varchar(500) NOT NULL DEFAULT '',
        amount bigint NOT NULL,
        paid_amount bigint NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        due_date date NOT NULL,
        status charge_status NOT NULL DEFAULT 'pending',
        paid_on date,
        cancelled_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_by_user_id uuid CONSTRAINT fk_charges_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_charges_amounts CHECK (amount > 0 AND paid_amount >= 0 AND paid_amount <= amount),
        CONSTRAINT fk_charges_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_charges_lease_id_organization_id FOREIGN KEY (lease_id, organization_id)
          REFERENCES leases (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_charges_person_id_organization_id FOREIGN KEY (person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_charges_org_id ON charges (organization_id, id)`);
    await q.query(`CREATE INDEX ix_charges_org_unit_due ON charges (organization_id, unit_id, due_date)`);
    await q.query(`CREATE INDEX ix_charges_org_person_due ON charges (organization_id, person_id, due_date)`);
    await q.query(`CREATE INDEX ix_charges_org_lease ON charges (organization_id, lease_id)`);
    await q.query(`CREATE INDEX ix_charges_org_status_due ON charges (organization_id, status, due_date)`);

    await q.query(`
      CREATE TABLE payments (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_payments PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_payments_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        charge_id uuid NOT NULL,
        amount bigint NOT NULL,
        currency char(3) NOT NULL,
        paid_on date NOT NULL,
        method payment_method NOT NULL,
        reference varchar(100),
        recorded_by_user_id uuid CONSTRAINT fk_payments_recorded_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_payments_amount CHECK (amount > 0),
        CONSTRAINT fk_payments_charge_id_organization_id FOREIGN KEY (charge_id, organization_id)
          REFERENCES charges (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX ix_payments_org_charge ON payments (organization_id, charge_id)`);
    await q.query(`CREATE INDEX ix_payments_org_paid_on ON payments (organization_id, paid_on)`);

    await q.query(`
      CREATE TABLE expenses (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_expenses PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_expenses_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        building_id uuid NOT NULL,
        vendor_id uuid,
        category expense_category NOT NULL,
        description varchar(500) NOT NULL DEFAULT '',
        amount bigint NOT NULL,
        currency char(3) NOT NULL,
        incurred_on date NOT NULL,
        reference varchar(100),
        created_by_user_id uuid CONSTRAINT fk_expenses_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_expenses_amount CHECK (amount > 0),
        CONSTRAINT fk_expenses_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_expenses_vendor_id_organization_id FOREIGN KEY (vendor_id, organization_id)
          REFERENCES vendors (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE INDEX ix_expenses_org_building_incurred ON expenses (organization_id, building_id, incurred_on)`,
    );
    await q.query(`CREATE INDEX ix_expenses_org_vendor ON expenses (organization_id, vendor_id)`);

    for (const table of ['charges', 'payments', 'expenses']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    await q.query(`
      CREATE POLICY charges_overdue_read ON charges FOR SELECT
        USING (app_platform_scope() = 'finance-overdue')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE expenses`);
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP TABLE charges`);
    await q.query(`DROP TYPE expense_category`);
    await q.query(`DROP TYPE payment_method`);
    await q.query(`DROP TYPE charge_status`);
    await q.query(`DROP TYPE charge_kind`);
  }
}
