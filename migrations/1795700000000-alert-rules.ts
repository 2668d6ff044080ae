import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform alert rules and their instances (issue #22, item 4). Platform data of no organisation:
 * - api-server's role (ppt_app) reaches them only in the 'platform-alerts' request scope, which the
 *   platform administrators' routes and the worker's alert deliveries set; it reads instances but
 *   never writes them.
 * - the jobs role (ppt_jobs) evaluates in the 'alert-rules-evaluate' scope: reads rules, records
 *   only `last_evaluated_at`/`last_error` on them, and keeps the instances.
 * - the role that runs the migrations (the admin CLI's `reseal-secrets`) re-seals webhook secrets in
 *   the 'secrets-reseal' scope, as for portal targets (1795630000000).
 */
export class AlertRules1795700000000 implements MigrationInterface {
  name = 'AlertRules1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_rules (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_alert_rules PRIMARY KEY,
        name varchar(100) NOT NULL,
        kind varchar(40) NOT NULL,
        params jsonb NOT NULL,
        comparator varchar(2) NOT NULL,
        threshold double precision NOT NULL,
        for_seconds integer NOT NULL DEFAULT 0,
        severity varchar(10) NOT NULL DEFAULT 'warning',
        channels jsonb NOT NULL,
        webhook_secret_sealed text,
        enabled boolean NOT NULL DEFAULT true,
        last_evaluated_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_alert_rules_comparator CHECK ("comparator" IN ('>', '>=', '<', '<=')),
        CONSTRAINT ck_alert_rules_severity CHECK ("severity" IN ('warning', 'critical')),
        CONSTRAINT ck_alert_rules_for_seconds CHECK ("for_seconds" BETWEEN 0 AND 86400)
      )`);
    await q.query(`
      CREATE TABLE alert_instances (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_alert_instances PRIMARY KEY,
        rule_id uuid NOT NULL CONSTRAINT fk_alert_instances_rule_id REFERENCES alert_rules (id) ON DELETE CASCADE,
        fingerprint text NOT NULL,
        fingerprint_key varchar(64) NOT NULL,
        state varchar(10) NOT NULL,
        notified_state varchar(10),
        notified_at timestamptz,
        value double precision NOT NULL,
        started_at timestamptz NOT NULL,
        fired_at timestamptz,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_alert_instances_state CHECK ("state" IN ('pending', 'firing', 'resolved')),
        CONSTRAINT ck_alert_instances_notified_state CHECK ("notified_state" IN ('firing', 'resolved'))
      )`);
    // De-duplication: one unresolved instance per rule and series (keyed by the sha256 of the series'
    // fingerprint, which can be longer than an index entry may be).
    await q.query(
      `CREATE UNIQUE INDEX uq_alert_instances_active ON alert_instances (rule_id, fingerprint_key) WHERE state <> 'resolved'`,
    );
    await q.query(`CREATE INDEX ix_alert_instances_state_started ON alert_instances (state, started_at)`);
    // The few instances still owed a notification, found each pass without reading the resolved history.
    await q.query(
      `CREATE INDEX ix_alert_instances_unnotified ON alert_instances (updated_at) WHERE state <> 'pending' AND notified_state IS DISTINCT FROM state`,
    );

    for (const table of ['alert_rules', 'alert_instances']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rules TO ppt_app`);
    await q.query(`GRANT SELECT ON alert_instances TO ppt_app`);
    for (const table of ['alert_rules', 'alert_instances']) {
      await q.query(`
        CREATE POLICY ${table}_platform_admins ON ${table} TO ppt_app
          USING (app_platform_scope() = 'platform-alerts') WITH CHECK (app_platform_scope() = 'platform-alerts')`);
      await q.query(`
        CREATE POLICY ${table}_evaluate ON ${table} TO ppt_jobs
          USING (app_platform_scope() = 'alert-rules-evaluate')
          WITH CHECK (app_platform_scope() = 'alert-rules-evaluate')`);
    }
    await q.query(`GRANT SELECT, UPDATE (last_evaluated_at, last_error) ON alert_rules TO ppt_jobs`);
    await q.query(`
      CREATE POLICY alert_rules_reseal_read ON alert_rules FOR SELECT TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY alert_rules_reseal_update ON alert_rules FOR UPDATE TO CURRENT_USER
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON alert_instances TO ppt_jobs`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_instances`);
    await q.query(`DROP TABLE alert_rules`);
  }
}
