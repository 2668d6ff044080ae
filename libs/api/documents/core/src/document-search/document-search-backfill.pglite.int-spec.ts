import type { CoreEnv } from '@ppt/config';
import { TenantTransactions } from '@ppt/db';
import {
  embeddingIdentity,
  LlmClient,
  LlmError,
  LlmErrorCode,
  ProviderGuard,
  type EmbeddingModel,
  type OrganizationEmbeddingChoice,
  type OrganizationEmbeddings,
} from '@ppt/llm';
import { MIGRATIONS } from '@ppt/migrations';
import { GuardedHttp } from '@ppt/outbound';
import { RedisConnections } from '@ppt/redis';
import {
  fakeEmbedding,
  startFakeOpenAiServer,
  startPgvectorServer,
  TEST_REDIS_URL,
  testRedisPrefix,
  type FakeOpenAiServer,
  type PgvectorServer,
} from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { DocumentChunksRepository } from './document-chunks.repository';
import { DocumentEmbeddings, EMBEDDING_DIMENSIONS } from './document-embeddings';
import type { DocumentIndexer } from './document-indexer';
import { BACKFILL_GRACE_MS, DocumentSearchBackfill } from './document-search-backfill';
import { DocumentSearchEnv } from './document-search.env';
import type { SqlCondition } from './document-search.sql';

const PLATFORM_MODEL = 'text-embedding-3-small';
const ORG_MODEL = 'org-embedder';

/**
 * Per-organisation embedding models and the backfill on a real pgvector (PGlite over the wire
 * protocol; TypeORM connects as to PostgreSQL), with vectors from the local OpenAI-compatible server:
 * chunks record their model, the backfill moves an organisation's chunks to its current model in
 * bounded batches, vector search never compares two models' vectors, and a late write cannot touch
 * chunks replaced meanwhile.
 */
describe('document search backfill and embedding models on pgvector (PGlite)', () => {
  let pg: PgvectorServer;
  let ds: DataSource;
  let provider: FakeOpenAiServer;
  let tenant: TenantTransactions;
  const chunks = new DocumentChunksRepository();
  const redisKeys = testRedisPrefix();
  const redis = new RedisConnections({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: redisKeys.prefix } as CoreEnv);
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const llm = new LlmClient(
    new ProviderGuard({
      attempts: 2,
      initialBackoffMs: 10,
      maxBackoffMs: 20,
      timeoutMs: 5000,
      idleTimeoutMs: 5000,
      breakerFailures: 5,
      halfOpenAfterMs: 60_000,
    }),
    http.fetch,
  );
  // Passes go through organisations in id order: `org` first.
  const org = '10000000-0000-4000-8000-000000000000';
  const other = '20000000-0000-4000-8000-000000000000';
  const indexed: string[] = [];
  /** Organisations with a model of their own (the assistant's settings, as the port would answer). */
  const own = new Map<string, OrganizationEmbeddingChoice>();
  const port: OrganizationEmbeddings = { choose: async (id) => own.get(id) ?? { kind: 'platform' } };
  let embeddings: DocumentEmbeddings;
  const backfill = (batch: number) =>
    new DocumentSearchBackfill(
      tenant,
      chunks,
      {
        index: async (_org: string, versionId: string) => {
          indexed.push(versionId);
          return 'indexed 1 chunks';
        },
      } as unknown as DocumentIndexer,
      embeddings,
      Object.assign(new DocumentSearchEnv(), { DOCUMENT_SEARCH_BACKFILL_BATCH: batch }),
      redis,
    );
  /** A pass after the grace window of the fixtures' versions. */
  const later = () => new Date(Date.now() + BACKFILL_GRACE_MS + 60_000);
  const models = (organizationId: string) =>
    tenant.run({ organizationId }, async (m) =>
      (
        (await m.query(
          `SELECT embedding_model AS model, count(*)::int AS n FROM document_chunks
            WHERE organization_id = $1 GROUP BY 1 ORDER BY 1`,
          [organizationId],
        )) as { model: string | null; n: number }[]
      )
        .map((r) => `${r.model ?? 'none'}:${r.n}`)
        .sort(),
    );
  const staff: SqlCondition = {
    sql: `d.organization_id = :organizationId AND d.status = 'active' AND d.deleted_at IS NULL`,
    params: {},
  };
  const docs: Record<string, string> = {};

  beforeAll(async () => {
    [pg, provider] = await Promise.all([startPgvectorServer(), startFakeOpenAiServer({ apiKeys: ['sk-test'] })]);
    ds = await new DataSource({ type: 'postgres', url: pg.url, poolSize: 1 }).initialize();
    tenant = new TenantTransactions(ds);
    await ds.query(`
      CREATE ROLE ppt_app NOLOGIN;
      CREATE ROLE ppt_jobs NOLOGIN;
      CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE
        RETURN nullif(current_setting('app.current_org', true), '')::uuid;
      CREATE FUNCTION app_platform_scope() RETURNS text LANGUAGE sql STABLE
        RETURN current_setting('app.platform_scope', true);
      CREATE TABLE organizations (id uuid PRIMARY KEY);
      CREATE TABLE documents (
        id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id),
        title varchar(200) NOT NULL, status text NOT NULL DEFAULT 'active', deleted_at timestamptz,
        text_status text NOT NULL DEFAULT 'extracted', extracted_text text DEFAULT 'text',
        previous_version_id uuid, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        visibility text NOT NULL DEFAULT 'managers');
      CREATE UNIQUE INDEX uq_documents_org_id ON documents (organization_id, id);
      CREATE TABLE assistant_settings (id uuid PRIMARY KEY);
      GRANT USAGE ON SCHEMA public TO ppt_jobs;
      GRANT SELECT ON documents TO ppt_jobs;
      ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
      ALTER TABLE documents FORCE ROW LEVEL SECURITY;`);
    const runner = { query: (sql: string) => ds.query(sql) } as unknown as QueryRunner;
    for (const name of [
      'DocumentChunks1795550000000',
      'DocumentChunkEmbeddings1795551000000',
      'OrganizationEmbeddings1795720000000',
    ]) {
      const Migration = MIGRATIONS.find((k) => k.name === name);
      if (!Migration) throw new Error(`${name} is not listed`);
      await new Migration().up(runner);
    }
    embeddings = new DocumentEmbeddings(
      Object.assign(new DocumentSearchEnv(), {
        DOCUMENT_SEARCH_EMBEDDINGS_URL: provider.baseUrl,
        DOCUMENT_SEARCH_EMBEDDINGS_MODEL: PLATFORM_MODEL,
        DOCUMENT_SEARCH_EMBEDDINGS_API_KEY: 'sk-test',
      }),
      port,
    );
    await ds.query(`INSERT INTO organizations VALUES ($1), ($2)`, [org, other]);
    // Indexed earlier: three documents of `org` (one with two chunks) and one of `other`, vectors of
    // a model nobody uses any more or none at all (indexed while no model was configured).
    const texts: [string, string, string[], string | null][] = [
      ['rules', org, ['Noční klid je od 22:00 do 6:00.', 'Psi musí být na vodítku.'], 'old-model'],
      ['bins', org, ['Popelnice se vyvážejí každé úterý.'], null],
      ['lift', org, ['Revize výtahu proběhne v pondělí.'], 'old-model'],
      ['boiler', other, ['Kotel se servisuje každý podzim.'], null],
    ];
    for (const [title, owner, pieces, model] of texts) {
      const id = randomUUID();
      docs[title] = id;
      await ds.query(`INSERT INTO documents (id, organization_id, title) VALUES ($1, $2, $3)`, [id, owner, title]);
      await tenant.run({ organizationId: owner }, (m) =>
        chunks.replace(
          m,
          owner,
          { documentId: id, versionId: id, title, language: 'cs', tsConfig: 'simple' },
          pieces.map((text, index) => ({ index, page: null, text })),
          model
            ? { model, vectors: pieces.map((p) => fakeEmbedding(`${title}\n${p}`, EMBEDDING_DIMENSIONS)) }
            : null,
        ),
      );
    }
    // Uploaded before indexing existed: extracted text, no chunks.
    docs.unindexed = randomUUID();
    await ds.query(`INSERT INTO documents (id, organization_id, title) VALUES ($1, $2, 'unindexed')`, [
      docs.unindexed,
      org,
    ]);
  }, 180_000);
  afterAll(async () => {
    await ds?.destroy();
    await Promise.all([pg?.close(), provider?.close(), http.close(), redis.onApplicationShutdown()]);
    await redisKeys.cleanup();
  });

  const platformIdentity = () => embeddingIdentity({ baseUrl: provider.baseUrl, model: PLATFORM_MODEL });
  const orgIdentity = () => embeddingIdentity({ baseUrl: provider.baseUrl, model: ORG_MODEL });
  const nearest = (organizationId: string, text: string, identity: string) =>
    tenant.run({ organizationId }, (m: EntityManager) =>
      chunks.nearest(m, organizationId, staff, fakeEmbedding(text, EMBEDDING_DIMENSIONS), identity, 10),
    );

  it('indexes versions without chunks and re-embeds every chunk not of the current model, in bounded passes', async () => {
    expect(await models(org)).toEqual(['none:1', 'old-model:3']);
    // Batch 3: the unindexed version, and 3 of the 5 chunks waiting (org's 4, other's 1).
    const first = await backfill(3).run(later());
    expect(indexed).toEqual([docs.unindexed]);
    expect(first).toMatchObject({ indexed: 1, reembedded: 3, limited: true });
    const second = await backfill(3).run(later());
    expect(second).toMatchObject({ indexed: 1, reembedded: 2 }); // the stub indexer left no chunks
    expect(await models(org)).toEqual([`${platformIdentity()}:4`]);
    expect(await models(other)).toEqual([`${platformIdentity()}:1`]);
    // The stored vectors are the provider's (title + text), asked for 1536 dimensions.
    const stored = await tenant.run({ organizationId: org }, (m) =>
      m.query(`SELECT embedding::text AS v FROM document_chunks WHERE version_id = $1 AND chunk_index = 0`, [docs.lift]),
    );
    const want = fakeEmbedding('lift\nRevize výtahu proběhne v pondělí.', EMBEDDING_DIMENSIONS);
    (JSON.parse(stored[0].v) as number[]).forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
    expect(provider.embeddingRequests.every((r) => r.dimensions === EMBEDDING_DIMENSIONS)).toBe(true);
    // Idempotent: nothing left, no provider call.
    const calls = provider.embeddingRequests.length;
    expect(await backfill(3).run(later())).toMatchObject({ reembedded: 0 });
    expect(provider.embeddingRequests.length).toBe(calls);
  }, 120_000);

  it('after an organisation changes its model, vectors of the old one are never compared; the backfill moves its chunks', async () => {
    const model: EmbeddingModel = {
      identity: orgIdentity(),
      embedDocuments: async (texts) =>
        (await llm.embed({ provider: 'openai', baseUrl: provider.baseUrl, apiKey: 'sk-test', model: ORG_MODEL }, texts))
          .vectors,
      embedQuery: async (text) => (await model.embedDocuments([text]))[0],
    };
    own.set(org, { kind: 'organization', model });
    expect((await embeddings.targetFor(org))?.identity).toBe(orgIdentity());
    // Before the backfill: the new model's query finds nothing by vectors (full text carries search).
    expect(await nearest(org, 'noční klid', orgIdentity())).toEqual([]);
    expect((await nearest(org, 'noční klid', platformIdentity())).length).toBe(4);

    const totals = await backfill(100).run(later());
    expect(totals).toMatchObject({ reembedded: 4 });
    expect(await models(org)).toEqual([`${orgIdentity()}:4`]);
    expect(await models(other)).toEqual([`${platformIdentity()}:1`]); // the other organisation keeps its model
    expect(provider.embeddingRequests.at(-1)).toMatchObject({ model: ORG_MODEL, dimensions: EMBEDDING_DIMENSIONS });
    const found = await nearest(org, 'noční klid', orgIdentity());
    expect(found[0]).toMatchObject({ documentTitle: 'rules' });
    expect(await nearest(org, 'noční klid', platformIdentity())).toEqual([]);
  }, 120_000);

  it('skips (and keeps waiting for) an organisation whose own model is paused, never using the platform one instead', async () => {
    own.set(org, { kind: 'paused', identity: embeddingIdentity({ baseUrl: 'http://x/v1', model: 'paused' }), reason: 'budget' });
    const calls = provider.embeddingRequests.length;
    const totals = await backfill(100).run(later());
    expect(totals).toMatchObject({ reembedded: 0, skippedOrganizations: 1 });
    expect(provider.embeddingRequests.length).toBe(calls);
    expect(await models(org)).toEqual([`${orgIdentity()}:4`]);
  }, 60_000);

  it('a late re-embedding write never touches chunks replaced meanwhile (a new version)', async () => {
    const [stale] = (await tenant.run({ organizationId: org }, (m) =>
      m.query(`SELECT id FROM document_chunks WHERE version_id = $1 ORDER BY chunk_index LIMIT 1`, [docs.rules]),
    )) as { id: string }[];
    expect((await tenant.run({ organizationId: org }, (m) => chunks.chunksToEmbed(m, org, 'newer-model', 10))).map((c) => c.id)).toContain(stale.id);
    await tenant.run({ organizationId: org }, (m) =>
      chunks.replace(
        m,
        org,
        { documentId: docs.rules, versionId: docs.rules, title: 'rules', language: 'cs', tsConfig: 'simple' },
        [{ index: 0, page: null, text: 'Noční klid je od 23:00.' }],
        null,
      ),
    );
    const written = await tenant.run({ organizationId: org }, (m) =>
      chunks.setEmbeddings(m, org, 'newer-model', [{ id: stale.id, vector: fakeEmbedding('x', EMBEDDING_DIMENSIONS) }]),
    );
    expect(written).toBe(0);
    expect(await models(org)).not.toContainEqual(expect.stringMatching(/^newer-model/));
  }, 60_000);

  it('a batch the provider refuses is passed over (counted), not retried in front of the rest', async () => {
    const poisoned: EmbeddingModel = {
      identity: 'openai http://refusing/v1 m',
      embedDocuments: async (texts) => {
        if (texts.some((t) => t.includes('POISON')))
          throw new LlmError(LlmErrorCode.ProviderRejected, 'The AI provider refused the request (HTTP 400)', 5, 400);
        return texts.map((t) => Array.from(fakeEmbedding(t, EMBEDDING_DIMENSIONS)));
      },
      embedQuery: async (text) => Array.from(fakeEmbedding(text, EMBEDDING_DIMENSIONS)),
    };
    own.set(org, { kind: 'organization', model: poisoned });
    const many = randomUUID();
    await ds.query(`INSERT INTO documents (id, organization_id, title) VALUES ($1, $2, 'many')`, [many, org]);
    await tenant.run({ organizationId: org }, (m) =>
      chunks.replace(
        m,
        org,
        { documentId: many, versionId: many, title: 'many', language: 'cs', tsConfig: 'simple' },
        Array.from({ length: 70 }, (_, index) => ({ index, page: null, text: index === 5 ? 'POISON' : `Kus ${index}` })),
        null,
      ),
    );
    const waiting = (await models(org)).reduce((sum, m) => sum + Number(m.split(':').at(-1)), 0);
    const totals = await backfill(1000).run(later());
    expect(totals.refusedChunks).toBeGreaterThan(0);
    expect(totals.reembedded).toBeGreaterThan(0);
    expect(totals.refusedChunks + totals.reembedded).toBe(waiting);
    expect(totals.skippedOrganizations).toBe(0);
  }, 60_000);

  it("relabels the platform model's chunks recorded under its bare name (before identities), without a provider call", async () => {
    const legacy = randomUUID();
    await ds.query(`INSERT INTO documents (id, organization_id, title) VALUES ($1, $2, 'legacy')`, [legacy, other]);
    await tenant.run({ organizationId: other }, (m) =>
      chunks.replace(
        m,
        other,
        { documentId: legacy, versionId: legacy, title: 'legacy', language: 'cs', tsConfig: 'simple' },
        [{ index: 0, page: null, text: 'Starý řád.' }],
        { model: PLATFORM_MODEL, vectors: [fakeEmbedding('legacy\nStarý řád.', EMBEDDING_DIMENSIONS)] },
      ),
    );
    const calls = provider.embeddingRequests.length;
    const totals = await backfill(100).run(later());
    expect(totals).toMatchObject({ relabelled: 1 });
    expect(await models(other)).toEqual([`${platformIdentity()}:2`]);
    expect(provider.embeddingRequests.length).toBe(calls);
  }, 60_000);

  it('one pass at a time: a pass that finds the lock held does nothing', async () => {
    const client = redis.get('document-search-backfill');
    await client.set('document-search:backfill:pass', 'someone else', 'PX', 60_000);
    try {
      expect(await backfill(100).run(later())).toMatchObject({ overlapping: true, indexed: 0, reembedded: 0 });
    } finally {
      await client.del('document-search:backfill:pass');
    }
    expect((await backfill(100).run(later())).overlapping).toBe(false);
  }, 60_000);
});
