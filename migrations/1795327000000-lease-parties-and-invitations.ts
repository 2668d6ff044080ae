import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Co-tenants and addenda of leases, and invitations that link a person to a user account. An
 * invitation is found by its token before the accepting user belongs to the organisation, so one
 * read-only policy admits the explicit platform scope 'person-invitation-accept'; the acceptance itself
 * runs in the organisation's tenant scope.
 */
export class LeasePartiesAndInvitations1795327000000 implements MigrationInterface {
  name = 'LeasePartiesAndInvitations1795327000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX uq_leases_org_id ON leases (organization_id, id)`);
    await q.query(`
      CREATE TABLE lease_co_tenants (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_lease_co_tenants PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_lease_co_tenants_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        lease_id uuid NOT NULL,
        person_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_lease_co_tenants_lease_id_organization_id FOREIGN KEY (lease_id, organization_id)
          REFERENCES leases (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_lease_co_tenants_person_id_organization_id FOREIGN KEY (person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_lease_co_tenants_org_lease_person ON lease_co_tenants (organization_id, lease_id, person_id)`,
    );
    await q.query(
      `CREATE INDEX ix_lease_co_tenants_org_person ON lease_co_tenants (organization_id, person_id)`,
    );

    await q.query(`
      CREATE TABLE lease_addenda (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_lease_addenda PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_lease_addenda_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        lease_id uuid NOT NULL,
        number integer NOT NULL,
        effective_from date NOT NULL,
        description varchar(2000) NOT NULL,
        changes jsonb NOT NULL,
        previous jsonb NOT NULL,
        created_by_user_id uuid CONSTRAINT fk_lease_addenda_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_lease_addenda_lease_id_organization_id FOREIGN KEY (lease_id, organization_id)
          REFERENCES leases (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_lease_addenda_org_lease_number ON lease_addenda (organization_id, lease_id, number)`,
    );

    await q.query(`
      CREATE TABLE person_invitations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_person_invitations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_person_invitations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        person_id uuid NOT NULL,
        email varchar(320) NOT NULL,
        role varchar(20) NOT NULL,
        token_hash varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        invited_by_user_id uuid CONSTRAINT fk_person_invitations_invited_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        accepted_at timestamptz,
        accepted_by_user_id uuid CONSTRAINT fk_person_invitations_accepted_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_person_invitations_role CHECK (role IN ('owner', 'tenant')),
        CONSTRAINT fk_person_invitations_person_id_organization_id FOREIGN KEY (person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_person_invitations_token_hash_org ON person_invitations (token_hash, organization_id)`,
    );
    await q.query(
      `CREATE INDEX ix_person_invitations_org_person ON person_invitations (organization_id, person_id)`,
    );

    for (const table of ['lease_co_tenants', 'lease_addenda', 'person_invitations']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    await q.query(`
      CREATE POLICY person_invitations_accept_read ON person_invitations FOR SELECT
        USING (app_platform_scope() = 'person-invitation-accept')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_invitations`);
    await q.query(`DROP TABLE lease_addenda`);
    await q.query(`DROP TABLE lease_co_tenants`);
    await q.query(`DROP INDEX uq_leases_org_id`);
  }
}
