import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-organisation embedding models and the document search backfill (issue #21):
 * - `assistant_settings.embedding_model`: an organisation's own embedding model at its provider;
 * - `document_chunks.embedding_model` now holds the model's identity (endpoint + model name, see
 *   `embeddingIdentity` in @ppt/llm), longer than a bare model name: vector search compares a query
 *   only with chunks of the same identity, and the backfill re-embeds the others;
 * - the backfill (scheduled, worker only) finds the organisations with documents through the
 *   platform scope 'document-search-backfill' (ppt_jobs already reads `documents`); each organisation
 *   is then worked on in its own tenant transactions.
 */
export class OrganizationEmbeddings1795720000000 implements MigrationInterface {
  name = 'OrganizationEmbeddings1795720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assistant_settings ADD COLUMN embedding_model varchar(200)`);
    await q.query(`ALTER TABLE document_chunks ALTER COLUMN embedding_model TYPE varchar(720)`);
    await q.query(`
      CREATE POLICY documents_search_backfill_read ON documents FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'document-search-backfill')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY documents_search_backfill_read ON documents`);
    await q.query(`ALTER TABLE document_chunks ALTER COLUMN embedding_model TYPE varchar(200)
      USING left(embedding_model, 200)`);
    await q.query(`ALTER TABLE assistant_settings DROP COLUMN embedding_model`);
  }
}
