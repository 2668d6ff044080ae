import { TS_CONFIGS, type TsConfig } from './chunking';

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
 * A longer word whose prefix takes in common lexemes still makes every chunk holding one of them a
 * candidate, each fetched and ranked (docs/assistant.md, Benchmark: the tail). No table statistics
 * narrow it: they are of all organisations together and hidden from a role under row-level security.
 */
export const PREFIX_MIN_LENGTH = 4;
export function prefixQuery(words: readonly string[]): string {
  return words.map((w) => (w.length >= PREFIX_MIN_LENGTH ? `${w}:*` : w)).join(' | ');
}

/**
 * The configurations the organisation's chunks use: one index probe each, stopping at the first row.
 * Each configuration is a literal: with the configuration as a value, the planner could not tell a
 * configuration no chunk uses (index probe, nothing found) from one every chunk uses, and read them
 * all (as a semi-join, or a sequential scan hoping for an early row). Parameter: organizationId.
 */
export const CONFIGURATIONS_PRESENT_SQL = TS_CONFIGS.map(
  (cfg) => `
  SELECT '${cfg}' AS "tsConfig"
   WHERE EXISTS (SELECT 1 FROM document_chunks c WHERE c.organization_id = :organizationId AND c.ts_config = '${cfg}')`,
).join(' UNION ALL ');

const CHUNK_COLUMNS = `c.id, c.document_id AS "documentId", d.title AS "documentTitle", c.version_id AS "versionId",
  c.page, c.chunk_index AS "chunkIndex", c.text`;

const CHUNK_OF_VISIBLE_VERSION = `JOIN documents d ON d.organization_id = c.organization_id AND d.id = c.version_id`;

/** The tsquery expressions of one configuration (constants once the planner binds the query). */
function queriesIn(cfg: string): string {
  const folded = `public.document_search_fold(:query)`;
  return `websearch_to_tsquery('${cfg}', ${folded}) AS web_${cfg},
          to_tsquery('${cfg}', :prefix) AS prefix_${cfg},
          phraseto_tsquery('${cfg}', ${folded}) AS phrase_${cfg}`;
}

/** `CASE c.ts_config WHEN 'simple' THEN … END`: an expression in the chunk's own configuration. */
function byConfig(configs: readonly TsConfig[], expression: (cfg: string) => string): string {
  return `CASE c.ts_config ${configs.map((cfg) => `WHEN '${cfg}' THEN ${expression(cfg)}`).join(' ')} END`;
}

/**
 * Full-text candidates: every chunk matching the query as typed (websearch syntax: "quoted phrases",
 * -exclusions, or) or any of its words as a prefix, in the chunk's own language configuration, all
 * folded. The tsqueries of each configuration are written with the configuration as a literal, so
 * the planner folds them to constants once (with a per-row configuration, PostgreSQL parsed and
 * unaccented the query again for every candidate row, which dominated the cost). One `@@` with the
 * union of every configuration's tsqueries lets the GIN index find the candidates in one bitmap
 * scan (each chunk fetched once, not once per configuration); the chunk's own configuration then
 * decides whether it matches and how it scores. Only the configurations the organisation's chunks
 * use are probed (CONFIGURATIONS_PRESENT_SQL): each one more widens the GIN scan, the candidates and
 * the planner's row estimate (three identical prefix queries made it choose a sequential scan).
 * Open: as ppt_app under RLS the GIN index is not used at all (`@@` is not leakproof, so it may not
 * run before the policy's filter): docs/assistant.md, Retrieval. Score: ts_rank_cd (normalised by length, option 32)
 * of the exact match counts double, the prefix match once, and the whole query as a phrase adds 1.
 * Parameters: organizationId, query, prefix, limit, and the visibility condition's.
 */
export function fullTextSql(visible: SqlCondition, configs: readonly TsConfig[] = TS_CONFIGS): SqlCondition {
  if (configs.length === 0) throw new Error('fullTextSql needs a configuration');
  const any = configs.map((cfg) => `q.web_${cfg} || q.prefix_${cfg}`).join(' || ');
  return {
    sql: `
      SELECT ${CHUNK_COLUMNS},
             ${byConfig(
               configs,
               (cfg) => `(2 * ts_rank_cd(c.tsv, q.web_${cfg}, 32) + ts_rank_cd(c.tsv, q.prefix_${cfg}, 32)
               + CASE WHEN numnode(q.phrase_${cfg}) > 1 AND c.tsv @@ q.phrase_${cfg} THEN 1 ELSE 0 END)::float8`,
             )} AS score
        FROM (SELECT ${configs.map(queriesIn).join(', ')}) AS q
        JOIN document_chunks c ON c.tsv @@ (${any})
        ${CHUNK_OF_VISIBLE_VERSION}
       WHERE c.organization_id = :organizationId
         AND ${byConfig(configs, (cfg) => `c.tsv @@ (q.web_${cfg} || q.prefix_${cfg})`)}
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
 * HNSW's candidate list (pgvector's default 40). bench:retrieval at 100k chunks × 384 dimensions on
 * a native pgvector 0.8.1 (docs/assistant.md, Benchmark): recall@5 against exact search 0.59–0.70 at
 * 40, 0.74–0.81 at 100, 0.88–0.89 at 200, 0.97 at 400; 400 is the smallest tried that reaches 0.95.
 */
export const VECTOR_EF_SEARCH = 400;

/**
 * pgvector 0.8 settings for a filtered HNSW search, local to the transaction: a larger candidate
 * list (VECTOR_EF_SEARCH) and iterative scans, so a filter that removes most neighbours still
 * yields `limit` rows (pgvector README, "Filtering" and "Iterative Index Scans").
 */
export const VECTOR_SEARCH_SETTINGS = `SELECT set_config('hnsw.ef_search', '${VECTOR_EF_SEARCH}', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`;

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
