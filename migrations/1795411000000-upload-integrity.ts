import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads that cannot be turned against stored documents:
 * - direct uploads go to a staging key (`staging_key`, its presigned PUT valid until
 *   `staging_expires_at`) and are copied to the document's key at confirm, so the URL never reaches
 *   the stored bytes; the local driver accepts one PUT per URL (`staging_put_at`);
 * - a resumable upload's chunk is claimed (`claim_id`, `receiving_until`) before its bytes are
 *   stored, so a concurrent resend cannot replace a part another request is writing or has recorded;
 *   a row with an etag is a received chunk, one without is a claim.
 */
export class UploadIntegrity1795411000000 implements MigrationInterface {
  name = 'UploadIntegrity1795411000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE documents
        ADD COLUMN staging_key varchar(1024),
        ADD COLUMN staging_expires_at timestamptz,
        ADD COLUMN staging_put_at timestamptz`);
    await q.query(
      `CREATE INDEX ix_documents_org_staging_expires ON documents (organization_id, staging_expires_at) WHERE staging_key IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE upload_chunks
        ALTER COLUMN sha256 DROP NOT NULL,
        ALTER COLUMN etag DROP NOT NULL,
        ADD COLUMN claim_id uuid,
        ADD COLUMN receiving_until timestamptz,
        ADD CONSTRAINT ck_upload_chunks_received CHECK ((etag IS NULL) = (sha256 IS NULL)),
        ADD CONSTRAINT ck_upload_chunks_claimed CHECK (etag IS NOT NULL OR (claim_id IS NOT NULL AND receiving_until IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM upload_chunks WHERE etag IS NULL`);
    await q.query(`
      ALTER TABLE upload_chunks
        DROP CONSTRAINT ck_upload_chunks_claimed,
        DROP CONSTRAINT ck_upload_chunks_received,
        DROP COLUMN receiving_until,
        DROP COLUMN claim_id,
        ALTER COLUMN etag SET NOT NULL,
        ALTER COLUMN sha256 SET NOT NULL`);
    await q.query(`DROP INDEX ix_documents_org_staging_expires`);
    await q.query(`
      ALTER TABLE documents
        DROP COLUMN staging_put_at,
        DROP COLUMN staging_expires_at,
        DROP COLUMN staging_key`);
  }
}
