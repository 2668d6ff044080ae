import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Vendors, faults (maintenance requests) with their status history and comments. */
export class FaultsAndVendors1795312000000 implements MigrationInterface {
  name = 'FaultsAndVendors1795312000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE vendors (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vendors PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vendors_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        trade varchar(100),
        email varchar(320),
        phone varchar(40),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_vendors_org_id ON vendors (organization_id, id)`);
    await q.query(`CREATE INDEX ix_vendors_org_name ON vendors (organization_id, name)`);

    await q.query(
      `CREATE TYPE fault_category AS ENUM ('plumbing', 'electrical', 'heating', 'structural', 'appliance', 'common_area', 'other')`,
    );
    await q.query(`CREATE TYPE fault_priority AS ENUM ('low', 'normal', 'high', 'urgent')`);
    await q.query(
      `CREATE TYPE fault_status AS ENUM ('new', 'triaged', 'in_progress', 'resolved', 'closed', 'rejected')`,
    );
    await q.query(`
      CREATE TABLE faults (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_faults PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_faults_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        building_id uuid NOT NULL,
        unit_id uuid,
        reporter_user_id uuid NOT NULL CONSTRAINT fk_faults_reporter_user_id REFERENCES users (id) ON DELETE RESTRICT,
        title varchar(200) NOT NULL,
        description text NOT NULL,
        category fault_category NOT NULL DEFAULT 'other',
        priority fault_priority NOT NULL DEFAULT 'normal',
        status fault_status NOT NULL DEFAULT 'new',
        assignee_user_id uuid CONSTRAINT fk_faults_assignee_user_id REFERENCES users (id) ON DELETE SET NULL,
        vendor_id uuid,
        due_at timestamptz NOT NULL,
        resolved_at timestamptz,
        closed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_faults_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_faults_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_faults_vendor_id_organization_id FOREIGN KEY (vendor_id, organization_id)
          REFERENCES vendors (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_faults_org_id ON faults (organization_id, id)`);
    await q.query(`CREATE INDEX ix_faults_org_status_due ON faults (organization_id, status, due_at)`);
    await q.query(`CREATE INDEX ix_faults_org_building ON faults (organization_id, building_id)`);
    await q.query(`CREATE INDEX ix_faults_org_reporter ON faults (organization_id, reporter_user_id)`);

    await q.query(`
      CREATE TABLE fault_status_changes (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_fault_status_changes PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_fault_status_changes_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        fault_id uuid NOT NULL,
        from_status fault_status,
        to_status fault_status NOT NULL,
        changed_by_user_id uuid CONSTRAINT fk_fault_status_changes_changed_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        note varchar(1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_fault_status_changes_fault_id_organization_id FOREIGN KEY (fault_id, organization_id)
          REFERENCES faults (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_fault_status_changes_org_fault ON fault_status_changes (organization_id, fault_id, created_at)`,
    );

    await q.query(`
      CREATE TABLE fault_comments (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_fault_comments PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_fault_comments_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        fault_id uuid NOT NULL,
        author_user_id uuid CONSTRAINT fk_fault_comments_author_user_id REFERENCES users (id) ON DELETE SET NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_fault_comments_fault_id_organization_id FOREIGN KEY (fault_id, organization_id)
          REFERENCES faults (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_fault_comments_org_fault ON fault_comments (organization_id, fault_id, created_at)`,
    );

    for (const table of ['vendors', 'faults', 'fault_status_changes', 'fault_comments']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE fault_comments`);
    await q.query(`DROP TABLE fault_status_changes`);
    await q.query(`DROP TABLE faults`);
    await q.query(`DROP TYPE fault_status`);
    await q.query(`DROP TYPE fault_priority`);
    await q.query(`DROP TYPE fault_category`);
    await q.query(`DROP TABLE vendors`);
  }
}
