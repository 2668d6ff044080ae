import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #17, item 8 (the rest of lead routing): the realtor replies to a lead and marks it handled.
 * - `listing_inquiries.status` (new → replied → handled, or back to new/replied when reopened), who
 *   handled it and when; `folded_into_id`: the lead this inquiry was folded into (the same visitor
 *   wrote about the same listing within a day). Index for the lead inbox's status filter.
 * - `listing_inquiry_replies`: the realtor's replies, e-mailed to the inquirer (`emailed_at` set by
 *   the worker once the mail went out). Tenant table: RLS on app.current_org like every other.
 * - `portal.inquiry_replies`: a reply to an inquiry sent on our own portal, handed over by api-server
 *   (its reply id), so the signed-in visitor sees it under their inquiries. The portal's worker
 *   inserts, its API reads; nothing else.
 */
export class LeadHandling1795570000000 implements MigrationInterface {
  name = 'LeadHandling1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE listing_inquiries ADD COLUMN status varchar(10) NOT NULL DEFAULT 'new'
         CONSTRAINT ck_listing_inquiries_status CHECK (status IN ('new', 'replied', 'handled'))`,
    );
    await q.query(`ALTER TABLE listing_inquiries ADD COLUMN handled_at timestamptz`);
    await q.query(
      `ALTER TABLE listing_inquiries ADD COLUMN handled_by_user_id uuid
         CONSTRAINT fk_listing_inquiries_handled_by_user_id REFERENCES users (id) ON DELETE SET NULL`,
    );
    await q.query(`ALTER TABLE listing_inquiries ADD COLUMN folded_into_id uuid`);
    await q.query(
      `CREATE UNIQUE INDEX uq_listing_inquiries_org_id ON listing_inquiries (organization_id, id)`,
    );
    await q.query(
      `CREATE INDEX ix_listing_inquiries_org_status ON listing_inquiries (organization_id, status, created_at)`,
    );

    await q.query(`
      CREATE TABLE listing_inquiry_replies (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_listing_inquiry_replies PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_listing_inquiry_replies_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        inquiry_id uuid NOT NULL,
        author_user_id uuid CONSTRAINT fk_listing_inquiry_replies_author_user_id REFERENCES users (id) ON DELETE SET NULL,
        message varchar(5000) NOT NULL,
        emailed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_listing_inquiry_replies_inquiry_id_organization_id FOREIGN KEY (inquiry_id, organization_id)
          REFERENCES listing_inquiries (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_listing_inquiry_replies_org_inquiry ON listing_inquiry_replies (organization_id, inquiry_id, created_at)`,
    );
    await q.query(`ALTER TABLE listing_inquiry_replies ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE listing_inquiry_replies FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY listing_inquiry_replies_isolation ON listing_inquiry_replies
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON listing_inquiry_replies TO ppt_app`);

    await q.query(`
      CREATE TABLE portal.inquiry_replies (
        id uuid NOT NULL CONSTRAINT pk_portal_inquiry_replies PRIMARY KEY,
        inquiry_id uuid NOT NULL CONSTRAINT fk_portal_inquiry_replies_inquiry_id REFERENCES portal.inquiries (id) ON DELETE CASCADE,
        message varchar(5000) NOT NULL,
        replied_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX ix_portal_inquiry_replies_inquiry ON portal.inquiry_replies (inquiry_id, replied_at)`,
    );
    await q.query(
      `CREATE INDEX ix_portal_inquiries_user ON portal.inquiries (user_id, created_at)`,
    );
    await q.query(`GRANT SELECT, INSERT ON portal.inquiry_replies TO ppt_portal_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX portal.ix_portal_inquiries_user`);
    await q.query(`DROP TABLE portal.inquiry_replies`);
    await q.query(`DROP TABLE listing_inquiry_replies`);
    await q.query(`DROP INDEX ix_listing_inquiries_org_status`);
    await q.query(`DROP INDEX uq_listing_inquiries_org_id`);
    await q.query(`ALTER TABLE listing_inquiries DROP COLUMN folded_into_id`);
    await q.query(`ALTER TABLE listing_inquiries DROP COLUMN handled_by_user_id`);
    await q.query(`ALTER TABLE listing_inquiries DROP COLUMN handled_at`);
    await q.query(`ALTER TABLE listing_inquiries DROP COLUMN status`);
  }
}
