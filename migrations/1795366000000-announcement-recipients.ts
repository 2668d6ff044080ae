import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables the backfill reads across organisations (all FORCE ROW LEVEL SECURITY). */
const BACKFILL_SOURCES = [
  'announcements',
  'announcement_receipts',
  'memberships',
  'unit_occupants',
  'people',
  'units',
];

/**
 * Who each announcement was delivered to, fixed at publication, so the receipt report (proof of
 * delivery) no longer follows later membership and occupancy changes.
 *
 * Announcements published before this have no record of their audience: they get their audience as it
 * is now plus everyone who already left a receipt (they evidently received it), delivered at
 * `published_at`.
 */
export class AnnouncementRecipients1795366000000 implements MigrationInterface {
  name = 'AnnouncementRecipients1795366000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE announcement_recipients (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_announcement_recipients PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_announcement_recipients_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        announcement_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_announcement_recipients_user_id REFERENCES users (id) ON DELETE CASCADE,
        delivered_at timestamptz NOT NULL,
        CONSTRAINT fk_announcement_recipients_announcement_id_organization_id FOREIGN KEY (announcement_id, organization_id)
          REFERENCES announcements (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_announcement_recipients_org_announcement_user ON announcement_recipients (organization_id, announcement_id, user_id)`,
    );

    // The owner is subject to FORCE ROW LEVEL SECURITY; lifted only inside this migration's transaction.
    for (const table of BACKFILL_SOURCES) await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
    const occupies = (unitFilter: string) => `EXISTS (SELECT 1 FROM unit_occupants o
        JOIN people p ON p.id = o.person_id AND p.organization_id = o.organization_id
        JOIN units u ON u.id = o.unit_id AND u.organization_id = o.organization_id
        WHERE o.organization_id = a.organization_id AND p.user_id = mem.user_id
          AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)
          AND ${unitFilter})`;
    await q.query(`
      INSERT INTO announcement_recipients (organization_id, announcement_id, user_id, delivered_at)
      SELECT a.organization_id, a.id, who.user_id, COALESCE(a.published_at, a.updated_at)
        FROM announcements a
        CROSS JOIN LATERAL (
          SELECT mem.user_id FROM memberships mem
           WHERE mem.organization_id = a.organization_id
             AND (a.audience_type = 'organization'
               OR (a.audience_type = 'roles' AND mem.role = ANY(a.audience_roles))
               OR (a.audience_type = 'buildings' AND ${occupies('u.building_id = ANY(a.audience_building_ids)')})
               OR (a.audience_type = 'units' AND ${occupies('o.unit_id = ANY(a.audience_unit_ids)')}))
          UNION
          SELECT r.user_id FROM announcement_receipts r
           WHERE r.organization_id = a.organization_id AND r.announcement_id = a.id
        ) who
       WHERE a.status IN ('published', 'archived')`);
    for (const table of BACKFILL_SOURCES) await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);

    await q.query(`ALTER TABLE announcement_recipients ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE announcement_recipients FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY announcement_recipients_isolation ON announcement_recipients
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON announcement_recipients TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE announcement_recipients`);
  }
}
