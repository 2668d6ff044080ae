import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions, refresh-token families, e-mail tokens, OAuth clients, the audit log, and row-level
 * security on every organisation-owned table.
 *
 * RLS reads two transaction-local settings (set by the app per request with set_config(…, true)):
 *   app.current_org   the organisation the request acts in
 *   app.current_user  the signed-in user (lets a user see their own memberships in every organisation)
 * Both unset → no rows (fail closed). Tables use FORCE ROW LEVEL SECURITY, so even the owner obeys the
 * policies unless it is a superuser.
 */
export class SessionsAndTenantIsolation1795300000000 implements MigrationInterface {
  name = 'SessionsAndTenantIsolation1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT NULLIF(current_setting('app.current_org', true), '')::uuid $$`);
    await q.query(`
      CREATE FUNCTION app_current_user() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT NULLIF(current_setting('app.current_user', true), '')::uuid $$`);

    await q.query(`
      CREATE TABLE sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_sessions PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT fk_sessions_user_id REFERENCES users (id) ON DELETE CASCADE,
        current_organization_id uuid
          CONSTRAINT fk_sessions_current_organization_id REFERENCES organizations (id) ON DELETE SET NULL,
        user_agent varchar(500),
        ip varchar(64),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason varchar(50),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_sessions_user ON sessions (user_id)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_refresh_tokens PRIMARY KEY,
        session_id uuid NOT NULL CONSTRAINT fk_refresh_tokens_session_id REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_refresh_tokens_token_hash ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id)`);

    await q.query(`CREATE TYPE email_token_purpose AS ENUM ('verify_email', 'reset_password', 'invitation')`);
    await q.query(`
      CREATE TABLE email_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_email_tokens PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT fk_email_tokens_user_id REFERENCES users (id) ON DELETE CASCADE,
        purpose email_token_purpose NOT NULL,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_email_tokens_token_hash ON email_tokens (token_hash)`);
    await q.query(`CREATE INDEX ix_email_tokens_user ON email_tokens (user_id)`);

    await q.query(`
      CREATE TABLE oauth_clients (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_oauth_clients PRIMARY KEY,
        client_id varchar(100) NOT NULL,
        name varchar(200) NOT NULL,
        secret_hash varchar(255) NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_oauth_clients_client_id ON oauth_clients (client_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_audit_log PRIMARY KEY,
        organization_id uuid CONSTRAINT fk_audit_log_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        actor_user_id uuid CONSTRAINT fk_audit_log_actor_user_id REFERENCES users (id) ON DELETE SET NULL,
        actor_client_id varchar(100),
        action varchar(100) NOT NULL,
        entity_type varchar(100),
        entity_id varchar(100),
        ip varchar(64),
        user_agent varchar(500),
        request_id varchar(128),
        details jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_audit_log_org_created ON audit_log (organization_id, created_at)`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_user_id, created_at)`);

    // Row-level security on the organisation-owned tables.
    for (const table of ['organizations', 'memberships', 'audit_log']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    await q.query(`
      CREATE POLICY memberships_isolation ON memberships
        USING (organization_id = app_current_org() OR user_id = app_current_user())
        WITH CHECK (organization_id = app_current_org())`);
    await q.query(`
      CREATE POLICY organizations_isolation ON organizations
        USING (id = app_current_org()
               OR id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = app_current_user()))
        WITH CHECK (id = app_current_org())`);
    // Security events without an organisation (a failed login) may be written, never read back here.
    await q.query(`
      CREATE POLICY audit_log_isolation ON audit_log
        USING (organization_id = app_current_org())
        WITH CHECK (organization_id IS NULL OR organization_id = app_current_org())`);

    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, refresh_tokens, email_tokens, oauth_clients TO ppt_app`,
    );
    // The audit log is append-only for the application.
    await q.query(`GRANT SELECT, INSERT ON audit_log TO ppt_app`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_current_org(), app_current_user() TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY organizations_isolation ON organizations`);
    await q.query(`DROP POLICY memberships_isolation ON memberships`);
    for (const table of ['organizations', 'memberships']) {
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE oauth_clients`);
    await q.query(`DROP TABLE email_tokens`);
    await q.query(`DROP TYPE email_token_purpose`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP FUNCTION app_current_user()`);
    await q.query(`DROP FUNCTION app_current_org()`);
  }
}
