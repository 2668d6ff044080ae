import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who a document reaches: `unit` visibility (the current tenants and owners of its unit — a lease
 * PDF) and `public` (every member, realtors included). GIN indexes let access checks find the
 * listings, messages and announcements that show or attach a document without scanning them.
 */
export class DocumentReach1795410000000 implements MigrationInterface {
  name = 'DocumentReach1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE document_visibility ADD VALUE IF NOT EXISTS 'unit' AFTER 'owners'`);
    await q.query(`ALTER TYPE document_visibility ADD VALUE IF NOT EXISTS 'public' AFTER 'residents'`);
    await q.query(`CREATE INDEX ix_listings_photo_document_ids ON listings USING gin (photo_document_ids)`);
    await q.query(
      `CREATE INDEX ix_conversation_messages_attachments ON conversation_messages USING gin (attachment_document_ids)`,
    );
    await q.query(
      `CREATE INDEX ix_announcements_attachments ON announcements USING gin (attachment_document_ids)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_announcements_attachments`);
    await q.query(`DROP INDEX ix_conversation_messages_attachments`);
    await q.query(`DROP INDEX ix_listings_photo_document_ids`);
    // An enum value cannot be dropped: documents shared more narrowly fall back to staff only.
    await q.query(`ALTER TABLE documents ALTER COLUMN visibility DROP DEFAULT`);
    await q.query(`ALTER TYPE document_visibility RENAME TO document_visibility_old`);
    await q.query(`CREATE TYPE document_visibility AS ENUM ('managers', 'owners', 'residents')`);
    await q.query(
      `ALTER TABLE documents ALTER COLUMN visibility TYPE document_visibility
         USING (CASE WHEN visibility::text IN ('unit', 'public') THEN 'managers' ELSE visibility::text END)::document_visibility`,
    );
    await q.query(`ALTER TABLE documents ALTER COLUMN visibility SET DEFAULT 'managers'`);
    await q.query(`DROP TYPE document_visibility_old`);
  }
}
