#!/usr/bin/env node
// npm run bench:retrieval — document search (issue #21, item 3) on PGlite with pgvector 0.8.
//
// BENCH_CHUNKS (default 20000: PGlite's practical ceiling, DEPENDENCIES.md) synthetic chunks of
// ~60 words drawn from BENCH_TOPICS topics (each its own 40 words, plus 400 common words, Zipf-like),
// in 10-chunk documents of one organisation, go through the real indexing path: vectors of
// BENCH_DIMENSIONS (384) from the local OpenAI-compatible embeddings server (libs/testing, over
// loopback HTTP, base64, via LangChain's OpenAIEmbeddings as the worker calls it) and the
// repository's INSERT (folded tsvector). Then, after loading, the HNSW index (m 16, ef_construction 64)
// is built. For BENCH_QUERIES queries (three words of one topic):
//   - relevance judgements: the exact top 5 by cosine distance (sequential scan, no index);
//   - HNSW (ef_search 40 and 100): latency p50/p95 and recall@5 against those judgements;
//   - full text (the retriever's own SQL, document-search.sql.ts): latency p50/p95, recall@5 against
//     the same judgements, and how many of its top 5 are of the query's topic (as for HNSW);
//   - indexing throughput: chunks/s embedded and stored, and embedding alone.
// PGlite runs in this process (one WASM backend, single-threaded): latencies are PostgreSQL's own,
// without the wire. Not part of the tests.
import { OpenAIEmbeddings } from '@langchain/openai';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { vector } from '@electric-sql/pglite-pgvector';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

// TypeScript sources of the feature (run with @swc-node/register: see package.json).
const require = createRequire(import.meta.url);
const { startFakeEmbeddingsServer } = require('../../libs/testing/src/llm/openai-embeddings.ts');
const { MIGRATIONS } = require('../../migrations/migration-list.ts');
const sql = require('../../libs/api/documents/core/src/document-search/document-search.sql.ts');

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20000);
const DIMENSIONS = Number(process.env.BENCH_DIMENSIONS ?? 384);
const TOPICS = Number(process.env.BENCH_TOPICS ?? 200);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const BATCH = 500;

/** A deterministic generator (mulberry32), so every run indexes the same corpus. */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(42);
const syllables = [
  'ka',
  'po',
  'ne',
  'vy',
  'tah',
  'lo',
  'mi',
  'ra',
  'su',
  'te',
  'do',
  'bri',
  'ze',
  'chu',
  'ja',
  'vo',
  'li',
  'sta',
];
const word = () =>
  Array.from(
    { length: 2 + Math.floor(random() * 3) },
    () => syllables[Math.floor(random() * syllables.length)],
  ).join('');
const uniqueWords = (n, taken) => {
  const out = [];
  while (out.length < n) {
    const w = word();
    if (!taken.has(w)) {
      taken.add(w);
      out.push(w);
    }
  }
  return out;
};
const taken = new Set();
const common = uniqueWords(400, taken);
const topics = Array.from({ length: TOPICS }, () => uniqueWords(40, taken));
const zipf = (list) => list[Math.min(list.length - 1, Math.floor(list.length * random() ** 2.5))];
function chunkText(topic) {
  const words = [];
  for (let i = 0; i < 60; i++) words.push(random() < 0.35 ? zipf(topics[topic]) : zipf(common));
  return words.join(' ');
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (n) => `${n.toFixed(2)} ms`;

const started = Date.now();
const db = await PGlite.create({ extensions: { vector, unaccent } });
await db.exec(`
  CREATE EXTENSION vector; CREATE EXTENSION unaccent;
  CREATE ROLE ppt_app NOLOGIN;
  CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE
    RETURN nullif(current_setting('app.current_org', true), '')::uuid;
  CREATE TABLE organizations (id uuid PRIMARY KEY);
  CREATE TABLE documents (
    id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id),
    title varchar(200) NOT NULL, status text NOT NULL DEFAULT 'active', deleted_at timestamptz,
    visibility text NOT NULL DEFAULT 'managers', building_id uuid, unit_id uuid, uploaded_by_user_id uuid);
  CREATE UNIQUE INDEX uq_documents_org_id ON documents (organization_id, id);`);
const runner = { query: (text) => db.query(text) };
for (const name of ['DocumentChunks1795550000000', 'DocumentChunkEmbeddings1795551000000']) {
  await new (MIGRATIONS.find((k) => k.name === name))().up(runner);
}
// The bench's vectors are shorter than production's: the column and its index are rebuilt after loading.
await db.exec(`DROP INDEX ix_document_chunks_embedding; ALTER TABLE document_chunks DROP COLUMN embedding;
  ALTER TABLE document_chunks ADD COLUMN embedding vector(${DIMENSIONS});`);
const org = randomUUID();
await db.query(`INSERT INTO organizations VALUES ($1)`, [org]);
console.log(
  `PGlite ready in ${Date.now() - started} ms; ${CHUNKS} chunks × ${DIMENSIONS} dimensions, ${TOPICS} topics`,
);

// Indexing: embed through the local server, store with the repository's INSERT shape.
const server = await startFakeEmbeddingsServer();
const embeddings = new OpenAIEmbeddings({
  model: 'bench-embedding',
  dimensions: DIMENSIONS,
  apiKey: 'bench',
  batchSize: BATCH,
  configuration: { baseURL: server.baseURL },
});
const topicOf = [];
let embedMs = 0;
const indexStart = performance.now();
for (let start = 0; start < CHUNKS; start += BATCH * 10) {
  const docs = [];
  for (let d = 0; d < BATCH && start + d * 10 < CHUNKS; d++) docs.push(randomUUID());
  await db.query(
    `INSERT INTO documents (id, organization_id, title) SELECT id, $1, 'doc ' || id FROM unnest($2::uuid[]) AS id`,
    [org, docs],
  );
  for (let b = 0; b < 10; b++) {
    const rows = [];
    for (let i = 0; i < BATCH; i++) {
      const n = start + b * BATCH + i;
      if (n >= CHUNKS) break;
      const topic = Math.floor(random() * TOPICS);
      topicOf.push(topic);
      rows.push({ n, doc: docs[Math.floor((b * BATCH + i) / 10)], text: chunkText(topic) });
    }
    if (rows.length === 0) break;
    const t0 = performance.now();
    const vectors = await embeddings.embedDocuments(rows.map((r) => r.text));
    embedMs += performance.now() - t0;
    await db.query(
      `INSERT INTO document_chunks (organization_id, document_id, version_id, chunk_index, page, text, language, ts_config, tsv, embedding_model, embedding)
       SELECT $1, x.doc, x.doc, x.n, NULL, x.text, 'und', 'simple',
              to_tsvector('simple'::regconfig, public.document_search_fold(x.text)), 'bench', x.embedding::vector
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[]) AS x(doc, n, text, embedding)`,
      [
        org,
        rows.map((r) => r.doc),
        rows.map((r) => r.n),
        rows.map((r) => r.text),
        vectors.map((v) => sql.vectorLiteral(v)),
      ],
    );
  }
}
const indexSeconds = (performance.now() - indexStart) / 1000;
const hnswStart = performance.now();
await db.exec(
  `CREATE INDEX ix_document_chunks_embedding ON document_chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64); ANALYZE document_chunks; ANALYZE documents;`,
);
const hnswSeconds = (performance.now() - hnswStart) / 1000;
console.log(
  `indexing: ${(CHUNKS / indexSeconds).toFixed(0)} chunks/s end to end (embedding alone ${(CHUNKS / (embedMs / 1000)).toFixed(0)} chunks/s); HNSW build ${hnswSeconds.toFixed(1)} s`,
);

// Queries: three words of one topic; the chunk ids of each topic for topical precision.
const chunkTopic = new Map();
for (const row of (await db.query(`SELECT id, chunk_index AS n FROM document_chunks`)).rows)
  chunkTopic.set(row.id, topicOf[row.n]);
const queries = Array.from({ length: QUERIES }, () => {
  const topic = Math.floor(random() * TOPICS);
  const words = new Set();
  while (words.size < 3) words.add(zipf(topics[topic]));
  return { topic, text: [...words].join(' ') };
});
const visible = {
  sql: `d.organization_id = :organizationId AND d.status = 'active' AND d.deleted_at IS NULL`,
  params: {},
};
const vectorQuery = sql.bindNamed.bind(null, sql.vectorSql(visible).sql);
const textQuery = sql.bindNamed.bind(null, sql.fullTextSql(visible).sql);
const K = 5;

async function timed(run) {
  const t0 = performance.now();
  const rows = await run();
  return { ms: performance.now() - t0, ids: rows.map((r) => r.id) };
}
// The nearest-neighbour query alone (what HNSW answers), and the retriever's filtered join.
const ANN = `SELECT id FROM document_chunks ORDER BY embedding <=> $1::vector LIMIT ${K}`;
const results = { floor: [], exact: [], hnsw40: [], hnsw100: [], retriever: [], fullText: [] };
for (const q of queries) {
  const embedding = sql.vectorLiteral(await embeddings.embedQuery(q.text));
  const [vText, vValues] = vectorQuery({ organizationId: org, embedding, embeddingModel: 'bench', limit: K });
  results.floor.push(
    await timed(async () => (await db.query(`SELECT $1::vector IS NULL AS id`, [embedding])).rows && []),
  );
  await db.exec(`SET enable_indexscan = off; SET enable_bitmapscan = off;`);
  results.exact.push(await timed(async () => (await db.query(ANN, [embedding])).rows));
  await db.exec(`RESET enable_indexscan; RESET enable_bitmapscan;`);
  for (const [name, ef] of [
    ['hnsw40', 40],
    ['hnsw100', 100],
  ]) {
    // Forced onto the index (the planner may prefer a sort over few rows): this measures HNSW itself.
    await db.exec(
      `SET hnsw.ef_search = ${ef}; SET hnsw.iterative_scan = relaxed_order; SET enable_seqscan = off;`,
    );
    results[name].push(await timed(async () => (await db.query(ANN, [embedding])).rows));
    await db.exec(`RESET enable_seqscan;`);
  }
  results.retriever.push(await timed(async () => (await db.query(vText, vValues)).rows));
  const [tText, tValues] = textQuery({
    organizationId: org,
    query: q.text,
    prefix: sql.prefixQuery(sql.queryWords(q.text)),
    limit: K,
  });
  results.fullText.push(await timed(async () => (await db.query(tText, tValues)).rows));
}
const plan = (
  await db.query(
    `EXPLAIN ${vectorQuery({ organizationId: org, embedding: sql.vectorLiteral(await embeddings.embedQuery(queries[0].text)), limit: K })[0]}`,
    vectorQuery({
      organizationId: org,
      embedding: sql.vectorLiteral(await embeddings.embedQuery(queries[0].text)),
      limit: K,
    })[1],
  )
).rows
  .map((r) => r['QUERY PLAN'])
  .join('\n');

console.log(`\n${QUERIES} queries, top ${K}; judgements = exact cosine top ${K} (sequential scan)`);
console.log('method             p50        p95        recall@5   on-topic@5');
for (const [name, label] of [
  ['floor', 'floor (parse only)'],
  ['exact', 'exact (seq scan)'],
  ['hnsw40', 'HNSW ef=40'],
  ['hnsw100', 'HNSW ef=100'],
  ['retriever', 'retriever vector'],
  ['fullText', 'full text'],
]) {
  const runs = results[name];
  const latency = runs.map((r) => r.ms);
  let recall = 0;
  let onTopic = 0;
  runs.forEach((r, i) => {
    const truth = new Set(results.exact[i].ids);
    recall += r.ids.filter((id) => truth.has(id)).length / K;
    onTopic += r.ids.filter((id) => chunkTopic.get(id) === queries[i].topic).length / K;
  });
  console.log(
    `${label.padEnd(18)} ${ms(percentile(latency, 50)).padEnd(10)} ${ms(percentile(latency, 95)).padEnd(10)} ${(recall / runs.length).toFixed(3).padEnd(10)} ${(onTopic / runs.length).toFixed(3)}`,
  );
}
console.log(`\nRetriever vector SQL plan (hnsw.ef_search 100):\n${plan.replace(/'\[[^\]]*\]'/g, "'[…]'")}`);
await db.exec(`SET enable_seqscan = off;`);
const annPlan = (
  await db.query(`EXPLAIN ${ANN}`, [sql.vectorLiteral(await embeddings.embedQuery(queries[0].text))])
).rows;
await db.exec(`RESET enable_seqscan;`);
console.log(
  `\nNearest-neighbour plan (HNSW rows):\n${annPlan
    .map((r) => r['QUERY PLAN'])
    .join('\n')
    .replace(/'\[[^\]]*\]'/g, "'[…]'")}`,
);
const [ftText, ftValues] = textQuery({
  organizationId: org,
  query: queries[0].text,
  prefix: sql.prefixQuery(sql.queryWords(queries[0].text)),
  limit: K,
});
const ftPlan = (await db.query(`EXPLAIN ANALYZE ${ftText}`, ftValues)).rows
  .map((r) => r['QUERY PLAN'])
  .join('\n');
console.log(`\nFull-text plan ("${queries[0].text}"):\n${ftPlan}`);
await server.close();
await db.close();
