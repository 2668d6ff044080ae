import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Health history (issue #22, item 5): each minute the api worker's health-history job records every
 * dependency of api-server and reality-server as their readiness checks see it, and deletes samples
 * past the retention. Platform data with no tenant; the grants and row-level security both bound it,
 * like every platform table: the job (ppt_jobs) inserts and deletes in its scope 'health-history' only;
 * api-server's role (the platform admins' API) only reads, in the request scope 'platform-health'.
 * reality-server's role gets nothing: its readiness is probed over HTTP by the api worker.
 */
export class HealthSamples1795710000000 implements MigrationInterface {
  name = 'HealthSamples1795710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE health_samples (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        recorded_at timestamptz NOT NULL,
        app varchar(40) NOT NULL,
        dependency varchar(64) NOT NULL,
        status varchar(4) NOT NULL,
        latency_ms double precision NOT NULL,
        error varchar(300),
        CONSTRAINT pk_health_samples PRIMARY KEY (id),
        CONSTRAINT ck_health_samples_status CHECK ("status" IN ('up', 'down'))
      )`);
    await q.query(`CREATE INDEX ix_health_samples_recorded_at ON health_samples (recorded_at, id)`);
    await q.query(`GRANT SELECT ON health_samples TO ppt_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON health_samples TO ppt_jobs`);
    await q.query(`ALTER TABLE health_samples ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE health_samples FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY health_samples_record ON health_samples TO ppt_jobs
        USING (app_platform_scope() = 'health-history')
        WITH CHECK (app_platform_scope() = 'health-history')`);
    await q.query(`
      CREATE POLICY health_samples_read ON health_samples FOR SELECT TO ppt_app
        USING (app_platform_scope() = 'platform-health')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE health_samples`);
  }
}
