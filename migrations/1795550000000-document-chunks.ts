import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Document search (issue #21, item 3): the extracted text of each document version cut into
 * overlapping chunks, each with its page (when the extraction knows it), its language's text search
 * configuration and the tsvector built with it, for the full-text half of the hybrid retriever.
 *
 * - `document_id` is the first version's id (stable across versions), `version_id` the document row
 *   the text came from: indexing a new version replaces the chunks of the older ones.
 * - `document_search_fold(text)`: `unaccent(lower(…))` declared IMMUTABLE (as `portal.fold`), so
 *   "smlouva" finds "Smlouva" and "nájem" finds "najem"; both the stored vectors and the queries use it.
 * - `ts_config` is one of the built-in configurations: `english`, `german`, or `simple` (Czech and
 *   Slovak have none in PostgreSQL, and anything undetected falls back to it).
 * - The embedding column and its HNSW index come in the next migration, only where pgvector exists.
 */
export class DocumentChunks1795550000000 implements MigrationInterface {
  name = 'DocumentChunks1795550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`
      CREATE FUNCTION public.document_search_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN public.unaccent('public.unaccent'::regdictionary, lower(value))`);
    await q.query(`REVOKE EXECUTE ON FUNCTION public.document_search_fold(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION public.document_search_fold(text) TO ppt_app`);
    await q.query(`
      CREATE TABLE document_chunks (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_document_chunks PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_document_chunks_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        document_id uuid NOT NULL,
        version_id uuid NOT NULL,
        chunk_index integer NOT NULL CONSTRAINT ck_document_chunks_index CHECK (chunk_index >= 0),
        page integer CONSTRAINT ck_document_chunks_page CHECK (page IS NULL OR page >= 1),
        text text NOT NULL,
        language varchar(8) NOT NULL,
        ts_config varchar(16) NOT NULL CONSTRAINT ck_document_chunks_ts_config CHECK (ts_config IN ('simple', 'english', 'german')),
        tsv tsvector NOT NULL,
        embedding_model varchar(200),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_document_chunks_version_id_organization_id FOREIGN KEY (version_id, organization_id)
          REFERENCES documents (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_document_chunks_org_version_index ON document_chunks (organization_id, version_id, chunk_index)`,
    );
    await q.query(
      `CREATE INDEX ix_document_chunks_org_document ON document_chunks (organization_id, document_id)`,
    );
    await q.query(`CREATE INDEX ix_document_chunks_tsv ON document_chunks USING gin (tsv)`);
    await q.query(`ALTER TABLE document_chunks ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE document_chunks FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY document_chunks_isolation ON document_chunks
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON document_chunks TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE document_chunks`);
    await q.query(`DROP FUNCTION public.document_search_fold(text)`);
  }
}
