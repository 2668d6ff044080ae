import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['notification_deliveries', 'push_subscriptions', 'notification_settings'];

/**
 * Notifications that reach people (issue #20, item 2): a status row per notification, channel and
 * recipient (its unique job id is the de-duplication key), browsers' Web Push subscriptions, and each
 * user's quiet hours and e-mail digest choice. All tenant-owned, under the usual RLS policy.
 */
export class NotificationDelivery1795530000000 implements MigrationInterface {
  name = 'NotificationDelivery1795530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_notification_deliveries PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_notification_deliveries_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_notification_deliveries_user_id REFERENCES users (id) ON DELETE CASCADE,
        job_id varchar(300) NOT NULL,
        type varchar(40) NOT NULL,
        channel varchar(10) NOT NULL,
        status varchar(10) NOT NULL CONSTRAINT ck_notification_deliveries_status CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
        title varchar(200) NOT NULL,
        body varchar(2000) NOT NULL DEFAULT '',
        link varchar(500),
        digest boolean NOT NULL DEFAULT false,
        not_before timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        provider_id varchar(500),
        error varchar(1000),
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_notification_deliveries_org_job ON notification_deliveries (organization_id, job_id)`,
    );
    await q.query(
      `CREATE INDEX ix_notification_deliveries_org_user_created ON notification_deliveries (organization_id, user_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE push_subscriptions (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_push_subscriptions PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_push_subscriptions_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_push_subscriptions_user_id REFERENCES users (id) ON DELETE CASCADE,
        endpoint varchar(2000) NOT NULL,
        p256dh varchar(200) NOT NULL,
        auth varchar(100) NOT NULL,
        device_label varchar(200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_push_subscriptions_org_user_endpoint ON push_subscriptions (organization_id, user_id, endpoint)`,
    );
    await q.query(`
      CREATE TABLE notification_settings (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_notification_settings PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_notification_settings_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_notification_settings_user_id REFERENCES users (id) ON DELETE CASCADE,
        quiet_start_minute smallint,
        quiet_end_minute smallint,
        time_zone varchar(64) NOT NULL DEFAULT 'UTC',
        email_digest boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_notification_settings_org_user ON notification_settings (organization_id, user_id)`,
    );
    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
