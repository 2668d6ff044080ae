import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Length of the stored embeddings (text-embedding-3-small's; other models are asked for it via `dimensions`). */
export const DOCUMENT_EMBEDDING_DIMENSIONS = 1536;

/**
 * The vector half of document search, only where the server has pgvector (the compose image
 * `pgvector/pgvector`; Debian's PostgreSQL here has none, and search then stays full-text only):
 * `embedding vector(1536)` and an HNSW index for cosine distance (pgvector README, "HNSW": build
 * parameters m = 16, ef_construction = 64 are its defaults). The retriever checks whether the column
 * exists, so the same code runs on both kinds of server.
 */
export class DocumentChunkEmbeddings1795551000000 implements MigrationInterface {
  name = 'DocumentChunkEmbeddings1795551000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
          CREATE EXTENSION IF NOT EXISTS vector;
          ALTER TABLE document_chunks ADD COLUMN IF NOT EXISTS embedding vector(${DOCUMENT_EMBEDDING_DIMENSIONS});
          CREATE INDEX IF NOT EXISTS ix_document_chunks_embedding ON document_chunks
            USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_document_chunks_embedding`);
    await q.query(`ALTER TABLE document_chunks DROP COLUMN IF EXISTS embedding`);
  }
}
