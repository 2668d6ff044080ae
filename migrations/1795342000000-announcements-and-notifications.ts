import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Announcements with read receipts and comments; in-app notifications and per-user preferences. */
export class AnnouncementsAndNotifications1795342000000 implements MigrationInterface {
  name = 'AnnouncementsAndNotifications1795342000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE announcement_status AS ENUM ('draft', 'scheduled', 'published', 'archived')`);
    await q.query(`CREATE TYPE audience_type AS ENUM ('organization', 'buildings', 'units', 'roles')`);
    await q.query(`
      CREATE TABLE announcements (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_announcements PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_announcements_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        title varchar(200) NOT NULL,
        body text NOT NULL,
        status announcement_status NOT NULL DEFAULT 'draft',
        audience_type audience_type NOT NULL,
        audience_building_ids uuid[] NOT NULL DEFAULT '{}',
        audience_unit_ids uuid[] NOT NULL DEFAULT '{}',
        audience_roles membership_role[] NOT NULL DEFAULT '{}',
        pinned boolean NOT NULL DEFAULT false,
        urgent boolean NOT NULL DEFAULT false,
        requires_acknowledgement boolean NOT NULL DEFAULT false,
        attachment_document_ids uuid[] NOT NULL DEFAULT '{}',
        publish_at timestamptz,
        published_at timestamptz,
        created_by_user_id uuid CONSTRAINT fk_announcements_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_announcements_org_id ON announcements (organization_id, id)`);
    await q.query(
      `CREATE INDEX ix_announcements_org_status_publish ON announcements (organization_id, status, publish_at)`,
    );
    await q.query(`
      CREATE TABLE announcement_receipts (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_announcement_receipts PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_announcement_receipts_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        announcement_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_announcement_receipts_user_id REFERENCES users (id) ON DELETE CASCADE,
        read_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        CONSTRAINT fk_announcement_receipts_announcement_id_organization_id FOREIGN KEY (announcement_id, organization_id)
          REFERENCES announcements (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_announcement_receipts_org_announcement_user ON announcement_receipts (organization_id, announcement_id, user_id)`,
    );
    await q.query(`
      CREATE TABLE announcement_comments (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_announcement_comments PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_announcement_comments_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        announcement_id uuid NOT NULL,
        author_user_id uuid CONSTRAINT fk_announcement_comments_author_user_id REFERENCES users (id) ON DELETE SET NULL,
        body varchar(5000) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_announcement_comments_announcement_id_organization_id FOREIGN KEY (announcement_id, organization_id)
          REFERENCES announcements (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_announcement_comments_org_announcement ON announcement_comments (organization_id, announcement_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE notifications (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_notifications PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_notifications_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_notifications_user_id REFERENCES users (id) ON DELETE CASCADE,
        type varchar(40) NOT NULL,
        title varchar(200) NOT NULL,
        body varchar(2000) NOT NULL DEFAULT '',
        link varchar(500),
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX ix_notifications_org_user_created ON notifications (organization_id, user_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE notification_preferences (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_notification_preferences PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_notification_preferences_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_notification_preferences_user_id REFERENCES users (id) ON DELETE CASCADE,
        type varchar(40) NOT NULL,
        channel varchar(10) NOT NULL,
        enabled boolean NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_notification_preferences_org_user_type_channel ON notification_preferences (organization_id, user_id, type, channel)`,
    );

    for (const table of [
      'announcements',
      'announcement_receipts',
      'announcement_comments',
      'notifications',
      'notification_preferences',
    ]) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_preferences`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE announcement_comments`);
    await q.query(`DROP TABLE announcement_receipts`);
    await q.query(`DROP TABLE announcements`);
    await q.query(`DROP TYPE audience_type`);
    await q.query(`DROP TYPE announcement_status`);
  }
}
