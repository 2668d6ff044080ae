import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TRIMMED_WHITESPACE, TS_CONFIGS, type TextChunk, type TsConfig } from './chunking';
import {
  bindNamed,
  CONFIGURATIONS_PRESENT_SQL,
  fullTextSql,
  prefixQuery,
  queryWords,
  VECTOR_SEARCH_SETTINGS,
  vectorLiteral,
  vectorSql,
  type RankedChunk,
  type SqlCondition,
} from './document-search.sql';

/**
 * The chunks of document search (table `document_chunks`, raw SQL: its `tsvector` and optional
 * pgvector column are outside what the entities describe). Every method takes the organisation;
 * row-level security backs it up.
 */
@Injectable()
export class DocumentChunksRepository {
  private embeddingColumn?: boolean;

  /** hasEmbeddingColumn()'s answer once it was asked (undefined before). */
  get knownEmbeddingColumn(): boolean | undefined {
    return this.embeddingColumn;
  }

  /** Whether this database has the pgvector column (migration 1795551000000 adds it only where it can). */
  async hasEmbeddingColumn(m: EntityManager): Promise<boolean> {
    if (this.embeddingColumn === undefined) {
      const rows = (await m.query(
        `SELECT 1 FROM pg_attribute WHERE attrelid = 'public.document_chunks'::regclass
            AND attname = 'embedding' AND NOT attisdropped`,
      )) as unknown[];
      this.embeddingColumn = rows.length > 0;
    }
    return this.embeddingColumn;
  }

  /**
   * Replaces every chunk of the document (all its versions) by the chunks of this version. The
   * tsvector is built here: the title (weight A) and the chunk's text, folded, in its configuration.
   */
  async replace(
    m: EntityManager,
    organizationId: string,
    version: { documentId: string; versionId: string; title: string; language: string; tsConfig: TsConfig },
    chunks: readonly TextChunk[],
    embeddings: { model: string; vectors: readonly ArrayLike<number>[] } | null,
  ): Promise<void> {
    // Two replacements of one document (its indexing job and a backfill pass) take turns: the second
    // then deletes what the first wrote instead of colliding with it on (version, chunk index).
    await m.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('document_chunks ' || $1 || ' ' || $2, 0))`,
      [organizationId, version.documentId],
    );
    await m.query(`DELETE FROM document_chunks WHERE organization_id = $1 AND document_id = $2`, [
      organizationId,
      version.documentId,
    ]);
    if (chunks.length === 0) return;
    const withVectors = embeddings !== null && (await this.hasEmbeddingColumn(m));
    const params: unknown[] = [
      organizationId,
      version.documentId,
      version.versionId,
      version.title,
      version.language,
      version.tsConfig,
      chunks.map((c) => c.index),
      chunks.map((c) => c.page),
      chunks.map((c) => c.text),
    ];
    if (withVectors) params.push(embeddings.model, embeddings.vectors.map(vectorLiteral));
    await m.query(
      `INSERT INTO document_chunks (organization_id, document_id, version_id, chunk_index, page, text, language,
                                    ts_config, tsv${withVectors ? ', embedding_model, embedding' : ''})
       SELECT $1, $2, $3, x.chunk_index, x.page, x.text, $5::text, $6::text,
              setweight(to_tsvector($6::text::regconfig, public.document_search_fold($4::text)), 'A')
                || to_tsvector($6::text::regconfig, public.document_search_fold(x.text))
              ${withVectors ? ', $10, x.embedding::vector' : ''}
         FROM unnest($7::int[], $8::int[], $9::text[]${withVectors ? ', $11::text[]' : ''})
           AS x(chunk_index, page, text${withVectors ? ', embedding' : ''})`,
      params,
    );
  }

  /** Removes the chunks of one document version (deleted): those of older versions are gone already. */
  async removeVersion(m: EntityManager, organizationId: string, versionId: string): Promise<void> {
    await m.query(`DELETE FROM document_chunks WHERE organization_id = $1 AND version_id = $2`, [
      organizationId,
      versionId,
    ]);
  }

  async fullText(
    m: EntityManager,
    organizationId: string,
    visible: SqlCondition,
    query: string,
    limit: number,
  ): Promise<RankedChunk[]> {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const present = (await m.query(...bindNamed(CONFIGURATIONS_PRESENT_SQL, { organizationId }))) as {
      tsConfig: string;
    }[];
    // Only the known names go into the SQL text (fullTextSql writes them as literals).
    const configs = TS_CONFIGS.filter((cfg) => present.some((p) => p.tsConfig === cfg));
    if (configs.length === 0) return [];
    const prefix = prefixQuery(words);
    const { sql, params } = fullTextSql(visible, configs);
    return (await m.query(
      ...bindNamed(sql, { ...params, organizationId, query, prefix, limit }),
    )) as RankedChunk[];
  }

  /** Nearest visible chunks embedded by `embeddingModel` (an identity): other models' vectors are skipped. */
  async nearest(
    m: EntityManager,
    organizationId: string,
    visible: SqlCondition,
    embedding: ArrayLike<number>,
    embeddingModel: string,
    limit: number,
  ): Promise<RankedChunk[]> {
    await m.query(VECTOR_SEARCH_SETTINGS);
    const { sql, params } = vectorSql(visible);
    return m.query(
      ...bindNamed(sql, {
        ...params,
        organizationId,
        embedding: vectorLiteral(embedding),
        embeddingModel,
        limit,
      }),
    ) as Promise<RankedChunk[]>;
  }

  /**
   * Current document versions (active, not deleted, not superseded) whose extracted text is not
   * blank (by chunkText's own whitespace rule) and which have no chunks: uploaded before indexing
   * existed, or whose indexing job was lost. Versions changed after `settledBefore` are left to their
   * own indexing job (not yet run: indexing them here too would embed them twice). Oldest first.
   */
  async versionsWithoutChunks(
    m: EntityManager,
    organizationId: string,
    settledBefore: Date,
    limit: number,
  ): Promise<{ id: string; title: string }[]> {
    return (await m.query(
      `SELECT d.id, d.title FROM documents d
        WHERE d.organization_id = $1 AND d.status = 'active' AND d.deleted_at IS NULL
          AND d.text_status = 'extracted' AND btrim(coalesce(d.extracted_text, ''), $4) <> ''
          AND d.updated_at < $2
          AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.organization_id = d.organization_id
                            AND n.previous_version_id = d.id AND n.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM document_chunks c WHERE c.organization_id = d.organization_id
                            AND c.version_id = d.id)
        ORDER BY d.created_at, d.id
        LIMIT $3`,
      [organizationId, settledBefore, limit, TRIMMED_WHITESPACE],
    )) as { id: string; title: string }[];
  }

  /**
   * Chunks without a vector of `embeddingModel` (none at all, or another model's), after chunk id
   * `after` (a pass goes on past a batch the provider refused), with the title their vector is
   * computed with (as at indexing: title, newline, text). Needs the vector column.
   */
  async chunksToEmbed(
    m: EntityManager,
    organizationId: string,
    embeddingModel: string,
    limit: number,
    after: string | null = null,
  ): Promise<{ id: string; text: string; title: string }[]> {
    return (await m.query(
      `SELECT c.id, c.text, d.title FROM document_chunks c
         JOIN documents d ON d.organization_id = c.organization_id AND d.id = c.version_id
        WHERE c.organization_id = $1
          AND (c.embedding IS NULL OR c.embedding_model IS DISTINCT FROM $2)
          AND ($4::uuid IS NULL OR c.id > $4::uuid)
        ORDER BY c.id
        LIMIT $3`,
      [organizationId, embeddingModel, limit, after],
    )) as { id: string; text: string; title: string }[];
  }

  /**
   * Names `identity` as the model of vectors recorded under the bare model name `bareName` (before
   * identities: the platform model's chunks); returns how many. Idempotent: nothing left after once.
   */
  async relabelEmbeddings(
    m: EntityManager,
    organizationId: string,
    bareName: string,
    identity: string,
  ): Promise<number> {
    const rows = (await m.query(
      `UPDATE document_chunks SET embedding_model = $3
        WHERE organization_id = $1 AND embedding_model = $2 AND embedding IS NOT NULL
        RETURNING id`,
      [organizationId, bareName, identity],
    )) as unknown[];
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }

  /**
   * Stores re-computed vectors by chunk id. Chunks replaced meanwhile (a new version, a delete) have
   * new ids or none, so a late write never touches them; returns how many rows took a vector.
   */
  async setEmbeddings(
    m: EntityManager,
    organizationId: string,
    embeddingModel: string,
    vectors: readonly { id: string; vector: ArrayLike<number> }[],
  ): Promise<number> {
    if (vectors.length === 0) return 0;
    const rows = (await m.query(
      `UPDATE document_chunks c SET embedding = x.embedding::vector, embedding_model = $2
         FROM unnest($3::uuid[], $4::text[]) AS x(id, embedding)
        WHERE c.organization_id = $1 AND c.id = x.id
        RETURNING c.id`,
      [organizationId, embeddingModel, vectors.map((v) => v.id), vectors.map((v) => vectorLiteral(v.vector))],
    )) as unknown[];
    // TypeORM's pg driver answers an UPDATE … RETURNING as [rows, count].
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }
}
