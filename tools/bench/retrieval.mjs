#!/usr/bin/env node
// npm run bench:retrieval — document search (issue #21, item 3): HNSW against exact search, the
// retriever's own vector and full-text SQL, and indexing throughput.
//
// Where: PGlite with pgvector 0.8 in this process (default; one WASM backend, 20k chunks is its
// practical ceiling, DEPENDENCIES.md), or a native PostgreSQL with pgvector given by
// BENCH_DATABASE_URL (e.g. postgres://postgres:postgres@127.0.0.1:5433/postgres): the bench drops and
// creates its own database there (BENCH_RETRIEVAL_DATABASE, default ppt_bench_retrieval) and sends
// every query over the wire with `pg`, as the app does. Either way the schema is what the tests stand
// on (organizations, a reduced documents table, role ppt_app) plus the project's two document-search
// migrations; the vector column is then rebuilt as vector(BENCH_DIMENSIONS) (384, as issue #21 asks;
// production's column is vector(1536)); `documents` gets the production's isolation policy. Every
// timed query runs as the app does: in a transaction as role ppt_app with app.current_org (and
// app.current_user) set transaction-locally (TenantTransactions.run), so row-level security filters
// every table. The database is left in place after the run for EXPLAIN.
//
// BENCH_CHUNKS (default 20000) synthetic chunks of ~60 words drawn from BENCH_TOPICS topics (each its
// own 40 words, plus 400 common words, Zipf-like), in 10-chunk documents spread round-robin over
// BENCH_ORGS organisations (default 1; the queries are one organisation's, so with more the GIN and
// HNSW scans cover other tenants' rows that RLS and the SQL then drop), go
// through the real indexing path: vectors from the local OpenAI-compatible embeddings server
// (libs/testing, loopback HTTP, base64, via LangChain's OpenAIEmbeddings as the worker calls it) and
// the repository's INSERT shape (folded tsvector). The HNSW index (m 16, ef_construction 64) is built
// after loading. For BENCH_QUERIES queries (three words of one topic):
//   - relevance judgements: the exact top 5 of the organisation by cosine distance (sequential scan,
//     no index);
//   - HNSW alone (with the RLS filter only) at each ef_search of BENCH_EF_SEARCH (default
//     40,100,200): p50/p95, recall@5;
//   - the retriever's vector query (DocumentChunksRepository.nearest in a transaction: the app's
//     ef_search setting, join, visibility filter);
//   - full text (DocumentChunksRepository.fullText): p50/p95, recall@5 against the same judgements,
//     and how many of its top 5 are of the query's topic. With BENCH_BASE_REF (a git revision) the
//     full-text code of that revision runs too, A/B alternating per query, BENCH_ROUNDS rounds
//     (default 3), medians of the rounds' p50/p95: before/after in one run;
//   - indexing throughput: chunks/s embedded and stored, and embedding alone.
// Not part of the tests.
import { OpenAIEmbeddings } from '@langchain/openai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';

// TypeScript sources of the feature (run with @swc-node/register: see package.json).
const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');
const SEARCH_DIR = 'libs/api/documents/core/src/document-search';
const { startFakeEmbeddingsServer } = require('../../libs/testing/src/llm/openai-server.ts');
const { MIGRATIONS } = require('../../migrations/migration-list.ts');
const sql = require(`../../${SEARCH_DIR}/document-search.sql.ts`);
const { DocumentChunksRepository } = require(`../../${SEARCH_DIR}/document-chunks.repository.ts`);

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20000);
const DIMENSIONS = Number(process.env.BENCH_DIMENSIONS ?? 384);
const TOPICS = Number(process.env.BENCH_TOPICS ?? 200);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const EF_SEARCH = (process.env.BENCH_EF_SEARCH ?? '40,100,200').split(',').map(Number);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const DATABASE = process.env.BENCH_RETRIEVAL_DATABASE ?? 'ppt_bench_retrieval';
const BASE_REF = process.env.BENCH_BASE_REF;
const ORGS = Math.max(1, Number(process.env.BENCH_ORGS ?? 1));
const BATCH = 500;
const K = 5;

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
const median = (values) => percentile(values, 50);
const ms = (n) => `${n.toFixed(2)} ms`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** `{ kind, query(text, params) → {rows}, exec(multi-statement text), close() }` */
async function openDatabase() {
  if (!DATABASE_URL) {
    const { PGlite } = await import('@electric-sql/pglite');
    const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const db = await PGlite.create({ extensions: { vector, unaccent } });
    return {
      kind: 'PGlite (in process)',
      query: (text, params) => db.query(text, params),
      exec: (text) => db.exec(text),
      close: () => db.close(),
    };
  }
  const { Client } = require('pg');
  if (!/^[a-z_][a-z0-9_]*$/.test(DATABASE)) throw new Error(`BENCH_RETRIEVAL_DATABASE: ${DATABASE}`);
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const { rows } = await admin.query(`SELECT version() AS v`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${DATABASE}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    kind: `native ${rows[0].v.split(' on ')[0]} over the wire (pg), database ${DATABASE}`,
    query: (text, params) => client.query(text, params),
    exec: (text) => client.query(text),
    close: () => client.end(),
  };
}

/** The full-text repository of BENCH_BASE_REF (the feature's directory of that revision, under tmp/). */
function baseRepository() {
  if (!BASE_REF) return null;
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', 'bench-retrieval-base-'));
  const archive = execFileSync('git', ['archive', BASE_REF, SEARCH_DIR], { cwd: ROOT });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const { DocumentChunksRepository: Base } = require(join(dir, SEARCH_DIR, 'document-chunks.repository.ts'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return new Base();
}

const started = Date.now();
const db = await openDatabase();
await db.exec(`
  CREATE EXTENSION vector; CREATE EXTENSION unaccent;
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ppt_app') THEN CREATE ROLE ppt_app NOLOGIN; END IF;
  END $$;
  CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE
    RETURN nullif(current_setting('app.current_org', true), '')::uuid;
  CREATE TABLE organizations (id uuid PRIMARY KEY);
  CREATE TABLE documents (
    id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id),
    title varchar(200) NOT NULL, status text NOT NULL DEFAULT 'active', deleted_at timestamptz,
    visibility text NOT NULL DEFAULT 'managers', building_id uuid, unit_id uuid, uploaded_by_user_id uuid);
  CREATE UNIQUE INDEX uq_documents_org_id ON documents (organization_id, id);
  ALTER TABLE documents ENABLE ROW LEVEL SECURITY; ALTER TABLE documents FORCE ROW LEVEL SECURITY;
  CREATE POLICY documents_isolation ON documents
    USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org());
  GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO ppt_app;`);
const runner = { query: (text) => db.query(text) };
for (const name of [
  'DocumentChunks1795550000000',
  'DocumentChunkEmbeddings1795551000000',
  'DocumentChunkConfigurations1795730000000',
]) {
  await new (MIGRATIONS.find((k) => k.name === name))().up(runner);
}
// The bench's vectors are shorter than production's: the column and its index are rebuilt after loading.
await db.exec(`DROP INDEX ix_document_chunks_embedding; ALTER TABLE document_chunks DROP COLUMN embedding;
  ALTER TABLE document_chunks ADD COLUMN embedding vector(${DIMENSIONS});`);
const orgs = Array.from({ length: ORGS }, () => randomUUID());
await db.query(`INSERT INTO organizations SELECT unnest($1::uuid[])`, [orgs]);
// The organisation every query is asked in (its chunks: about BENCH_CHUNKS / BENCH_ORGS).
const org = orgs[0];
console.log(`${db.kind}, ready in ${Date.now() - started} ms`);
console.log(
  `${CHUNKS} chunks × ${DIMENSIONS} dimensions, ${TOPICS} topics, ${ORGS} organisation(s), queries as ppt_app under RLS; load average ${load()}`,
);

// Indexing: embed through the local server, store with the repository's INSERT shape.
const server = await startFakeEmbeddingsServer();
const embeddings = new OpenAIEmbeddings({
  model: 'bench-embedding',
  dimensions: DIMENSIONS,
  apiKey: 'sk-test', // the key startFakeEmbeddingsServer accepts
  batchSize: BATCH,
  configuration: { baseURL: server.baseURL },
});
const topicOf = [];
let embedMs = 0;
let documentCount = 0;
const indexStart = performance.now();
for (let start = 0; start < CHUNKS; start += BATCH * 10) {
  const docs = [];
  for (let d = 0; d < BATCH && start + d * 10 < CHUNKS; d++)
    docs.push({ id: randomUUID(), org: orgs[documentCount++ % ORGS] });
  await db.query(
    `INSERT INTO documents (id, organization_id, title)
     SELECT x.id, x.org, 'doc ' || x.id FROM unnest($1::uuid[], $2::uuid[]) AS x(id, org)`,
    [docs.map((d) => d.id), docs.map((d) => d.org)],
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
       SELECT x.org, x.doc, x.doc, x.n, NULL, x.text, 'und', 'simple',
              to_tsvector('simple'::regconfig, public.document_search_fold(x.text)), 'bench', x.embedding::vector
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[]) AS x(org, doc, n, text, embedding)`,
      [
        rows.map((r) => r.doc.org),
        rows.map((r) => r.doc.id),
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
  `CREATE INDEX ix_document_chunks_embedding ON document_chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
);
const hnswSeconds = (performance.now() - hnswStart) / 1000;
// Separately: a multi-statement string is one implicit transaction, where VACUUM cannot run.
for (const table of ['document_chunks', 'documents']) await db.exec(`VACUUM ANALYZE ${table}`);
console.log(
  `indexing: ${(CHUNKS / indexSeconds).toFixed(0)} chunks/s end to end (embedding alone ${(CHUNKS / (embedMs / 1000)).toFixed(0)} chunks/s); HNSW build ${hnswSeconds.toFixed(1)} s; load average ${load()}`,
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
const m = { query: async (text, params) => (await db.query(text, params)).rows };
// What the queries' organisation sees under RLS: its own chunks only (a check that RLS applies).
const count = async () => Number((await db.query(`SELECT count(*) AS n FROM document_chunks`)).rows[0].n);
const seen = await asTenant(count);
const total = await count();
console.log(`organisation ${org} sees ${seen} of ${total} chunks under RLS`);
if (ORGS > 1 && seen >= total) throw new Error('RLS does not apply to the timed queries');
const repository = new DocumentChunksRepository();
const base = baseRepository();

async function timed(run) {
  const t0 = performance.now();
  const rows = await run();
  return { ms: performance.now() - t0, ids: rows.map((r) => r.id) };
}
/**
 * `run` as the app runs a query (TenantTransactions.run): a transaction as role ppt_app with the
 * organisation and user set transaction-locally, so RLS applies; `settings` (SET LOCAL …) apply to
 * this transaction only. The set-up is one round trip outside the timed part (org is a generated
 * UUID, safe as a literal in this multi-statement text).
 */
async function asTenant(run, settings = '') {
  await db.exec(`BEGIN; SET LOCAL ROLE ppt_app;
    SELECT set_config('app.current_org', '${org}', true), set_config('app.current_user', '', true); ${settings}`);
  try {
    return await run();
  } finally {
    await db.exec('COMMIT');
  }
}
// The nearest-neighbour query alone (what HNSW answers; RLS adds the organisation), and the
// retriever's filtered join.
const ANN = `SELECT id FROM document_chunks ORDER BY embedding <=> $1::vector LIMIT ${K}`;
const hnswNames = EF_SEARCH.map((ef) => `hnsw${ef}`);
const results = { floor: [], exact: [], retriever: [] };
for (const name of hnswNames) results[name] = [];
const queryVectors = [];
for (const q of queries) {
  const vector = await embeddings.embedQuery(q.text);
  queryVectors.push(vector);
  const embedding = sql.vectorLiteral(vector);
  results.floor.push(
    await asTenant(() =>
      timed(async () => (await db.query(`SELECT $1::vector IS NULL AS id`, [embedding])).rows && []),
    ),
  );
  const ann = () => timed(async () => (await db.query(ANN, [embedding])).rows);
  results.exact.push(
    await asTenant(ann, `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;`),
  );
  for (const ef of EF_SEARCH) {
    // Forced onto the index (the planner may prefer a sort over few rows): this measures HNSW itself.
    const settings = `SET LOCAL hnsw.ef_search = ${ef}; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL enable_seqscan = off;`;
    results[`hnsw${ef}`].push(await asTenant(ann, settings));
  }
  results.retriever.push(
    await asTenant(() => timed(() => repository.nearest(m, org, visible, vector, 'bench', K))),
  );
}

// Full text: this revision's SQL (and BENCH_BASE_REF's), alternating which goes first per query.
const textRuns = { fullText: [], fullTextBase: [] };
for (let round = 0; round < ROUNDS; round++) {
  const runs = { fullText: [], fullTextBase: [] };
  for (const [i, q] of queries.entries()) {
    const order = (i + round) % 2 === 0 ? ['fullText', 'fullTextBase'] : ['fullTextBase', 'fullText'];
    for (const name of order) {
      const repo = name === 'fullText' ? repository : base;
      if (repo) runs[name].push(await asTenant(() => timed(() => repo.fullText(m, org, visible, q.text, K))));
    }
  }
  for (const name of Object.keys(runs)) if (runs[name].length) textRuns[name].push(runs[name]);
}

function quality(runs) {
  let recall = 0;
  let onTopic = 0;
  runs.forEach((r, i) => {
    const truth = new Set(results.exact[i].ids);
    recall += r.ids.filter((id) => truth.has(id)).length / K;
    onTopic += r.ids.filter((id) => chunkTopic.get(id) === queries[i].topic).length / K;
  });
  return { recall: recall / runs.length, onTopic: onTopic / runs.length };
}
const row = (label, p50, p95, { recall, onTopic }) =>
  console.log(
    `${label.padEnd(30)} ${ms(p50).padEnd(10)} ${ms(p95).padEnd(10)} ${recall.toFixed(3).padEnd(10)} ${onTopic.toFixed(3)}`,
  );
console.log(`\n${QUERIES} queries, top ${K}; judgements = exact cosine top ${K} (sequential scan)`);
console.log(`${'method'.padEnd(30)} p50        p95        recall@5   on-topic@5`);
for (const [name, label] of [
  ['floor', 'floor (one round trip)'],
  ['exact', 'exact (seq scan)'],
  ...EF_SEARCH.map((ef) => [`hnsw${ef}`, `HNSW ef_search=${ef}`]),
  ['retriever', `retriever vector (ef ${sql.VECTOR_EF_SEARCH})`],
]) {
  const latency = results[name].map((r) => r.ms);
  row(label, percentile(latency, 50), percentile(latency, 95), quality(results[name]));
}
for (const [name, label] of [
  ['fullText', 'full text (this revision)'],
  ['fullTextBase', `full text (${BASE_REF})`],
]) {
  const rounds = textRuns[name];
  if (rounds.length === 0) continue;
  const p50s = rounds.map((runs) =>
    percentile(
      runs.map((r) => r.ms),
      50,
    ),
  );
  const p95s = rounds.map((runs) =>
    percentile(
      runs.map((r) => r.ms),
      95,
    ),
  );
  row(`${label}`, median(p50s), median(p95s), quality(rounds[0]));
  console.log(
    `${''.padEnd(30)} rounds p50 ${p50s.map((x) => x.toFixed(1)).join('/')} p95 ${p95s.map((x) => x.toFixed(1)).join('/')}`,
  );
}
const slowest = textRuns.fullText.length
  ? queries
      .map((q, i) => ({ q, ms: median(textRuns.fullText.map((runs) => runs[i].ms)) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
  : [];
console.log(
  `slowest full-text queries (median of rounds): ${slowest.map((s) => `"${s.q.text}" ${s.ms.toFixed(1)} ms`).join(', ')}`,
);
console.log(`load average ${load()}`);

const explain = async (text, values, analyze = true) =>
  (await db.query(`EXPLAIN ${analyze ? '(ANALYZE, BUFFERS) ' : ''}${text}`, values)).rows
    .map((r) => r['QUERY PLAN'])
    .join('\n')
    .replace(/'\[[^\]]*\]'/g, "'[…]'");
/** The last SQL a repository sends for a call (run as usual, then explained in the same transaction). */
async function explainLast(call) {
  return asTenant(async () => {
    const sent = [];
    await call({ query: async (text, params) => (sent.push([text, params]), m.query(text, params)) });
    return explain(...sent.at(-1));
  });
}
const sample = queries[0];
console.log(
  `\nRetriever vector SQL plan:\n${await explainLast((rec) => repository.nearest(rec, org, visible, queryVectors[0], 'bench', K))}`,
);
for (const [label, repo] of [
  ['this revision', repository],
  [BASE_REF, base],
]) {
  if (!repo) continue;
  const plan = await explainLast((rec) => repo.fullText(rec, org, visible, sample.text, K));
  console.log(`\nFull-text plan, ${label} ("${sample.text}"):\n${plan}`);
}
await server.close();
await db.close();
