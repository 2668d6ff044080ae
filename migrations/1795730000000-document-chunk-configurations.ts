import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which text search configurations an organisation's chunks use, in a few index probes: full-text
 * search parses and probes the query only in those (an organisation with Czech documents alone no
 * longer makes its GIN probe, and the planner's row estimate, three times as wide). See
 * document-search.sql.ts, CONFIGURATIONS_PRESENT_SQL.
 */
export class DocumentChunkConfigurations1795730000000 implements MigrationInterface {
  name = 'DocumentChunkConfigurations1795730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_document_chunks_org_ts_config ON document_chunks (organization_id, ts_config)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_document_chunks_org_ts_config`);
  }
}
