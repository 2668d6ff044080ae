import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations, users, memberships, and the application role.
 *
 * `ppt_app` is a NOLOGIN group role: the app's login role (DATABASE_URL) is a member of it, never
 * owns the tables (the migration user does) and has no BYPASSRLS, so row-level security applies to it.
 */
export class IdentityFoundation1795297800000 implements MigrationInterface {
  name = 'IdentityFoundation1795297800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ppt_app') THEN
          CREATE ROLE ppt_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE organizations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_organizations PRIMARY KEY,
        name varchar(200) NOT NULL,
        slug varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_organizations_slug ON organizations (slug)`);

    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_users PRIMARY KEY,
        email varchar(320) NOT NULL,
        display_name varchar(200) NOT NULL,
        password_hash varchar(255),
        email_verified_at timestamptz,
        is_platform_admin boolean NOT NULL DEFAULT false,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_users_email_lower ON users (lower(email))`);

    await q.query(`
      CREATE TYPE membership_role AS ENUM
        ('org_admin', 'manager', 'technical_manager', 'owner', 'tenant', 'realtor')`);
    await q.query(`
      CREATE TABLE memberships (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_memberships PRIMARY KEY,
        organization_id uuid NOT NULL
          CONSTRAINT fk_memberships_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_memberships_user_id REFERENCES users (id) ON DELETE CASCADE,
        role membership_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_memberships_org_user ON memberships (organization_id, user_id)`);
    await q.query(`CREATE INDEX ix_memberships_user ON memberships (user_id)`);

    await q.query(`GRANT USAGE ON SCHEMA public TO ppt_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON organizations, users, memberships TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE memberships`);
    await q.query(`DROP TYPE membership_role`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE organizations`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ppt_app`);
    // The role is cluster-wide and may serve other databases; it is left in place.
  }
}
