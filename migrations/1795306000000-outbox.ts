import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transactional outbox: domain events written in the same transaction as the change, published at
 * least once by the relay in the worker. `consumed_events` lets consumers apply each event once.
 *
 * RLS: rows are written within their organisation. The relay reads across organisations through an
 * explicit platform scope (`app.platform_scope = 'outbox-relay'`, set only by its own transaction),
 * never through a request's scope.
 */
export class Outbox1795306000000 implements MigrationInterface {
  name = 'Outbox1795306000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION app_platform_scope() RETURNS text LANGUAGE sql STABLE
        AS $$ SELECT NULLIF(current_setting('app.platform_scope', true), '') $$`);
    await q.query(`
      CREATE TABLE outbox (
        id uuid NOT NULL CONSTRAINT pk_outbox PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_outbox_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        type varchar(100) NOT NULL,
        aggregate_type varchar(50) NOT NULL,
        aggregate_id uuid NOT NULL,
        aggregate_version integer NOT NULL,
        payload jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error varchar(1000),
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_outbox_org_created ON outbox (organization_id, created_at)`);
    await q.query(`CREATE INDEX ix_outbox_pending ON outbox (next_attempt_at) WHERE published_at IS NULL`);
    await q.query(`ALTER TABLE outbox ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE outbox FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY outbox_isolation ON outbox
        USING (organization_id = app_current_org() OR app_platform_scope() = 'outbox-relay')
        WITH CHECK (organization_id = app_current_org() OR app_platform_scope() = 'outbox-relay')`);

    await q.query(`
      CREATE TABLE consumed_events (
        consumer varchar(100) NOT NULL,
        event_id uuid NOT NULL,
        consumed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_consumed_events PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON outbox, consumed_events TO ppt_app`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_platform_scope() TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consumed_events`);
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP FUNCTION app_platform_scope()`);
  }
}
