import { TS_CONFIGS } from './chunking';

/**
 * The SQL of document search, as plain strings with `:name` parameters (`:...name` expands an
 * array), bound by `bindNamed`: the same text runs on PostgreSQL through TypeORM and on PGlite
 * (pgvector) through `pg` in the tests. Every query takes a visibility condition on `d` (the
 * document version of the chunk) and applies it in its WHERE clause, before anything is ranked.
 */

/** A condition on `d` (documents) with its parameters, e.g. DocumentsService.searchable(). */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** Turns `:name` / `:...name` into `$n` placeholders (casts like `::vector` are left alone). */
export function bindNamed(sql: string, params: Record<string, unknown>): [string, unknown[]] {
  const values: unknown[] = [];
  const positions = new Map<string, number>();
  const text = sql.replace(
    /(?<![:\w]):(\.\.\.)?([A-Za-z_]\w*)/g,
    (_, spread: string | undefined, name: string) => {
      if (!(name in params)) throw new Error(`No value for SQL parameter :${name}`);
      const value = params[name];
      if (spread) {
        if (!Array.isArray(value) || value.length === 0)
          throw new Error(`:...${name} needs a non-empty array`);
        return value.map((v) => `$${values.push(v)}`).join(', ');
      }
      let n = positions.get(name);
      if (n === undefined) {
        n = values.push(value);
        positions.set(name, n);
      }
      return `$${n}`;
    },
  );
  return [text, values];
}

/** Folded words of a query, for prefix matching (`pojišt` finds `pojištění`). */
export function queryWords(query: string): string[] {
  const words = query
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1);
  return [...new Set(words)].slice(0, 16);
}

/**
 * `w1:* | w2:*`: any word as a prefix (ranked by how many and how close, by ts_rank_cd). Words of
 * fewer than PREFIX_MIN_LENGTH letters match whole only: as prefixes they match too much to help.
 */
export const PREFIX_MIN_LENGTH = 4;
export function prefixQuery(words: readonly string[]): string {
  return words.map((w) => (w.length >= PREFIX_MIN_LENGTH ? `${w}:*` : w)).join(' | ');
}

const CHUNK_COLUMNS = `c.id, c.document_id AS "documentId", d.title AS "documentTitle", c.version_id AS "versionId",
  c.page, c.chunk_index AS "chunkIndex", c.text`;

const CHUNK_OF_VISIBLE_VERSION = `JOIN documents d ON d.organization_id = c.organization_id AND d.id = c.version_id`;

/**
 * Full-text candidates: every chunk matching the query as typed (websearch syntax: "quoted phrases",
 * -exclusions, or) or any of its words as a prefix, each in its own language's configuration, all
 * folded; one `@@` per configuration, so the GIN index finds the candidates (not MATERIALIZED: the
 * planner would then join a seq scan to the three queries instead of probing the index). Score: ts_rank_cd (normalised by length, option 32) of the exact match counts double, the
 * prefix match once, and the whole query as a phrase adds 1.
 * Parameters: organizationId, query, prefix, limit, and the visibility condition's.
 */
export function fullTextSql(visible: SqlCondition): SqlCondition {
  return {
    sql: `
      WITH q AS (
        SELECT cfg, web, prefix, phrase, web || prefix AS wanted
          FROM unnest(ARRAY[${TS_CONFIGS.map((c) => `'${c}'`).join(', ')}]::text[]) AS cfg,
               LATERAL (SELECT websearch_to_tsquery(cfg::regconfig, public.document_search_fold(:query)) AS web,
                               to_tsquery(cfg::regconfig, :prefix) AS prefix,
                               phraseto_tsquery(cfg::regconfig, public.document_search_fold(:query)) AS phrase) AS t
      )
      SELECT ${CHUNK_COLUMNS},
             (2 * ts_rank_cd(c.tsv, q.web, 32) + ts_rank_cd(c.tsv, q.prefix, 32)
               + CASE WHEN numnode(q.phrase) > 1 AND c.tsv @@ q.phrase THEN 1 ELSE 0 END)::float8 AS score
        FROM q
        JOIN document_chunks c ON c.ts_config = q.cfg AND c.tsv @@ q.wanted
        ${CHUNK_OF_VISIBLE_VERSION}
       WHERE c.organization_id = :organizationId
         AND ${visible.sql}
       ORDER BY score DESC, c.id
       LIMIT :limit`,
    params: visible.params,
  };
}

/**
 * Vector candidates: nearest chunks by cosine distance (the HNSW index's operator class), among the
 * visible ones embedded by the query's own model (two models' vectors are not comparable).
 * Parameters: organizationId, embedding (pgvector text form `[1,2,…]`), embeddingModel (its
 * identity), limit.
 */
export function vectorSql(visible: SqlCondition): SqlCondition {
  return {
    sql: `
      SELECT ${CHUNK_COLUMNS}, (1 - (c.embedding <=> :embedding::vector))::float8 AS score
        FROM document_chunks c
        ${CHUNK_OF_VISIBLE_VERSION}
       WHERE c.organization_id = :organizationId
         AND c.embedding IS NOT NULL
         AND c.embedding_model = :embeddingModel
         AND ${visible.sql}
       ORDER BY c.embedding <=> :embedding::vector
       LIMIT :limit`,
    params: visible.params,
  };
}

/**
 * pgvector 0.8 settings for a filtered HNSW search, local to the transaction: a larger candidate
 * list (ef_search, default 40) and iterative scans, so a filter that removes most neighbours still
 * yields `limit` rows (pgvector README, "Filtering" and "Iterative Index Scans").
 */
export const VECTOR_SEARCH_SETTINGS = `SELECT set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`;

/** The pgvector text form of a vector. */
export function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v, (x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
}

export interface RankedChunk {
  id: string;
  documentId: string;
  documentTitle: string;
  versionId: string;
  page: number | null;
  chunkIndex: number;
  text: string;
  score: number;
}

/** The constant of reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009: k = 60). */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion of ranked lists: score = Σ 1 / (k + rank), rank from 1; ties by best rank.
 */
export function fuseByRank(lists: readonly (readonly RankedChunk[])[], limit: number): RankedChunk[] {
  const fused = new Map<string, { chunk: RankedChunk; score: number }>();
  for (const list of lists) {
    list.forEach((chunk, i) => {
      const entry = fused.get(chunk.id) ?? { chunk, score: 0 };
      entry.score += 1 / (RRF_K + i + 1);
      fused.set(chunk.id, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id))
    .slice(0, limit)
    .map(({ chunk, score }) => ({ ...chunk, score }));
}
