import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TS_CONFIGS, type TextChunk, type TsConfig } from './chunking';
import {
  bindNamed,
  broadPrefixes,
  COMMON_LEXEMES_SQL,
  CONFIGURATIONS_PRESENT_SQL,
  fullTextSql,
  prefixQuery,
  queryWords,
  VECTOR_SEARCH_SETTINGS,
  vectorLiteral,
  vectorSql,
  WORDS_FOUND_WHOLE_SQL,
  type RankedChunk,
  type SqlCondition,
} from './document-search.sql';

/**
 * The chunks of document search (table `document_chunks`, raw SQL: its `tsvector` and optional
 * pgvector column are outside what the entities describe). Every method takes the organisation;
 * row-level security backs it up.
 */
/** How long the lexeme statistics are kept (they change only when the table is analysed). */
const LEXEME_STATISTICS_TTL_MS = 10 * 60_000;

@Injectable()
export class DocumentChunksRepository {
  private embeddingColumn?: boolean;
  private lexemeStatistics?: { readAt: number; chunks: Map<string, number> };

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
    const broad = broadPrefixes(words, await this.commonLexemes(m));
    const whole = broad.length
      ? ((await m.query(...bindNamed(WORDS_FOUND_WHOLE_SQL, { words: broad, organizationId }))) as {
          word: string;
        }[])
      : [];
    const prefix = prefixQuery(words, new Set(whole.map((r) => r.word)));
    const { sql, params } = fullTextSql(visible, configs);
    return (await m.query(
      ...bindNamed(sql, { ...params, organizationId, query, prefix, limit }),
    )) as RankedChunk[];
  }

  /** The planner's most common lexemes of the chunks (read at most every 10 minutes). */
  private async commonLexemes(m: EntityManager): Promise<Map<string, number>> {
    const now = Date.now();
    if (!this.lexemeStatistics || now - this.lexemeStatistics.readAt > LEXEME_STATISTICS_TTL_MS) {
      const rows = (await m.query(COMMON_LEXEMES_SQL)) as { lexeme: string; chunks: number }[];
      this.lexemeStatistics = { readAt: now, chunks: new Map(rows.map((r) => [r.lexeme, r.chunks])) };
    }
    return this.lexemeStatistics.chunks;
  }

  async nearest(
    m: EntityManager,
    organizationId: string,
    visible: SqlCondition,
    embedding: ArrayLike<number>,
    limit: number,
  ): Promise<RankedChunk[]> {
    await m.query(VECTOR_SEARCH_SETTINGS);
    const { sql, params } = vectorSql(visible);
    return m.query(
      ...bindNamed(sql, { ...params, organizationId, embedding: vectorLiteral(embedding), limit }),
    ) as Promise<RankedChunk[]>;
  }
}
