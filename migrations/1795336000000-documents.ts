import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents (files in object storage with metadata, links, visibility, signatures, extracted text),
 * resumable upload sessions and their chunks. The storage clean-up job finds organisations with
 * abandoned uploads or deleted documents through the read-only scope 'document-storage-cleanup'; the
 * public listing-photo route finds a photo's listing through 'listing-photos', which sees only
 * listings on the market.
 */
export class Documents1795336000000 implements MigrationInterface {
  name = 'Documents1795336000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE document_category AS ENUM ('contract', 'invoice', 'minutes', 'photo', 'signed', 'report', 'plan', 'other')`,
    );
    await q.query(`CREATE TYPE document_visibility AS ENUM ('managers', 'owners', 'residents')`);
    await q.query(`CREATE TYPE document_status AS ENUM ('pending', 'active')`);
    await q.query(
      `CREATE TYPE document_text_status AS ENUM ('not_applicable', 'pending', 'extracted', 'failed', 'skipped')`,
    );
    await q.query(`CREATE TYPE upload_status AS ENUM ('open', 'completed', 'failed')`);

    await q.query(`
      CREATE TABLE documents (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_documents PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_documents_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        title varchar(200) NOT NULL,
        category document_category NOT NULL,
        visibility document_visibility NOT NULL DEFAULT 'managers',
        status document_status NOT NULL,
        building_id uuid,
        unit_id uuid,
        lease_id uuid,
        fault_id uuid,
        previous_version_id uuid,
        file_name varchar(255) NOT NULL,
        object_key varchar(1024) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 char(64),
        uploaded_by_user_id uuid CONSTRAINT fk_documents_uploaded_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        signed_at timestamptz,
        signer_name varchar(200),
        signed_by_user_id uuid CONSTRAINT fk_documents_signed_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        text_status document_text_status NOT NULL DEFAULT 'not_applicable',
        extracted_text text,
        deleted_at timestamptz,
        object_removed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_documents_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE NO ACTION,
        CONSTRAINT fk_documents_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE NO ACTION,
        CONSTRAINT fk_documents_lease_id_organization_id FOREIGN KEY (lease_id, organization_id)
          REFERENCES leases (id, organization_id) ON DELETE NO ACTION,
        CONSTRAINT fk_documents_fault_id_organization_id FOREIGN KEY (fault_id, organization_id)
          REFERENCES faults (id, organization_id) ON DELETE NO ACTION
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_documents_org_id ON documents (organization_id, id)`);
    await q.query(`
      ALTER TABLE documents ADD CONSTRAINT fk_documents_previous_version_id_organization_id
        FOREIGN KEY (previous_version_id, organization_id) REFERENCES documents (id, organization_id) ON DELETE NO ACTION`);
    await q.query(`CREATE INDEX ix_documents_org_created ON documents (organization_id, created_at)`);
    await q.query(`CREATE INDEX ix_documents_org_building ON documents (organization_id, building_id)`);
    await q.query(`CREATE INDEX ix_documents_org_unit ON documents (organization_id, unit_id)`);
    await q.query(`CREATE INDEX ix_documents_org_lease ON documents (organization_id, lease_id)`);
    await q.query(`CREATE INDEX ix_documents_org_fault ON documents (organization_id, fault_id)`);
    await q.query(
      `CREATE INDEX ix_documents_org_previous_version ON documents (organization_id, previous_version_id)`,
    );

    await q.query(`
      CREATE TABLE upload_sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_upload_sessions PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_upload_sessions_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        document_id uuid NOT NULL,
        created_by_user_id uuid CONSTRAINT fk_upload_sessions_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        size_bytes bigint NOT NULL,
        chunk_size_bytes integer NOT NULL,
        chunk_count integer NOT NULL,
        sha256 char(64),
        storage_upload_id varchar(1024) NOT NULL,
        status upload_status NOT NULL DEFAULT 'open',
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_upload_sessions_document_id_organization_id FOREIGN KEY (document_id, organization_id)
          REFERENCES documents (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_upload_sessions_org_id ON upload_sessions (organization_id, id)`);
    await q.query(
      `CREATE INDEX ix_upload_sessions_org_document ON upload_sessions (organization_id, document_id)`,
    );
    await q.query(
      `CREATE INDEX ix_upload_sessions_org_status_expires ON upload_sessions (organization_id, status, expires_at)`,
    );

    await q.query(`
      CREATE TABLE upload_chunks (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_upload_chunks PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_upload_chunks_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        upload_id uuid NOT NULL,
        chunk_number integer NOT NULL,
        size_bytes integer NOT NULL,
        sha256 char(64) NOT NULL,
        etag varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_upload_chunks_upload_id_organization_id FOREIGN KEY (upload_id, organization_id)
          REFERENCES upload_sessions (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_upload_chunks_org_upload_number ON upload_chunks (organization_id, upload_id, chunk_number)`,
    );

    for (const table of ['documents', 'upload_sessions', 'upload_chunks']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    for (const table of ['documents', 'upload_sessions']) {
      await q.query(`
        CREATE POLICY ${table}_storage_cleanup_read ON ${table} FOR SELECT
          USING (app_platform_scope() = 'document-storage-cleanup')`);
    }
    await q.query(`
      CREATE POLICY listings_photo_lookup ON listings FOR SELECT
        USING (app_platform_scope() = 'listing-photos' AND status IN ('published', 'reserved'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY listings_photo_lookup ON listings`);
    await q.query(`DROP TABLE upload_chunks`);
    await q.query(`DROP TABLE upload_sessions`);
    await q.query(`DROP TABLE documents`);
    await q.query(`DROP TYPE upload_status`);
    await q.query(`DROP TYPE document_text_status`);
    await q.query(`DROP TYPE document_status`);
    await q.query(`DROP TYPE document_visibility`);
    await q.query(`DROP TYPE document_category`);
  }
}
