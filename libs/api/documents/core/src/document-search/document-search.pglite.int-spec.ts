import { fakeEmbedding, startPgvectorServer, type PgvectorServer } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '@ppt/migrations';
import { audienceCondition } from '../documents/documents.repository';
import { DocumentChunksRepository } from './document-chunks.repository';
import { EMBEDDING_DIMENSIONS } from './document-embeddings';
import { bindNamed, vectorSql, type SqlCondition } from './document-search.sql';

/**
 * The pgvector path of document search on a real pgvector (0.8, PGlite over the wire protocol, as
 * `pg` connects to PostgreSQL): the conditional migration creates the column and the HNSW index,
 * the repository stores vectors, and the vector query filters by visibility before ranking, in the
 * order exact search gives. This machine's PostgreSQL has no pgvector (see DEPENDENCIES.md).
 */
describe('document search on pgvector (PGlite)', () => {
  let server: PgvectorServer;
  let client: Client;
  const chunks = new DocumentChunksRepository();
  const m = {
    query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
  } as unknown as EntityManager;
  const org = randomUUID();
  const otherOrg = randomUUID();
  const building = randomUUID();
  const texts: Record<string, string> = {
    rules: 'Noční klid je od 22:00 do 6:00. Psi musí být na vodítku.',
    bins: 'Popelnice se vyvážejí každé úterý ráno, tříděný odpad ve středu.',
    lift: 'Revize výtahu proběhne v pondělí, výtah bude mimo provoz.',
    insurance: 'Pojištění domu je sjednané do roku 2030, pojistná částka 40 milionů.',
    boiler: 'Kotel v suterénu se servisuje každý podzim, klid v kotelně.',
  };
  const docs: Record<string, string> = {};

  beforeAll(async () => {
    server = await startPgvectorServer();
    client = new Client({ connectionString: server.url });
    await client.connect();
    // What the two migrations stand on (the tables and roles of the earlier migrations, reduced).
    await client.query(`
      CREATE ROLE ppt_app NOLOGIN;
      CREATE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE
        RETURN nullif(current_setting('app.current_org', true), '')::uuid;
      CREATE TABLE organizations (id uuid PRIMARY KEY);
      CREATE TABLE documents (
        id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id),
        title varchar(200) NOT NULL, status text NOT NULL DEFAULT 'active', deleted_at timestamptz,
        visibility text NOT NULL, building_id uuid, unit_id uuid, uploaded_by_user_id uuid);
      CREATE UNIQUE INDEX uq_documents_org_id ON documents (organization_id, id);`);
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    for (const name of [
      'DocumentChunks1795550000000',
      'DocumentChunkEmbeddings1795551000000',
      'DocumentChunkConfigurations1795730000000',
    ]) {
      const Migration = MIGRATIONS.find((k) => k.name === name);
      if (!Migration) throw new Error(`${name} is not listed`);
      await new Migration().up(runner);
    }

    await client.query(`INSERT INTO organizations VALUES ($1), ($2)`, [org, otherOrg]);
    for (const [name, text] of Object.entries(texts)) {
      const id = randomUUID();
      docs[name] = id;
      const owner = name === 'boiler' ? otherOrg : org;
      const visibility = name === 'insurance' ? 'managers' : 'residents';
      await client.query(
        `INSERT INTO documents (id, organization_id, title, visibility, building_id) VALUES ($1, $2, $3, $4, $5)`,
        [id, owner, name, visibility, building],
      );
      const pieces = [{ index: 0, page: 1, text }];
      await chunks.replace(
        m,
        owner,
        { documentId: id, versionId: id, title: name, language: 'cs', tsConfig: 'simple' },
        pieces,
        {
          model: 'fake',
          vectors: pieces.map((p) => fakeEmbedding(`${name}\n${p.text}`, EMBEDDING_DIMENSIONS)),
        },
      );
    }
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await server?.close();
  });

  const resident: SqlCondition = (() => {
    const c = audienceCondition({
      kind: 'resident',
      owner: false,
      userId: randomUUID(),
      homes: { unitIds: [randomUUID()], buildingIds: [building] },
    });
    return {
      sql: `d.organization_id = :organizationId AND d.status = 'active' AND d.deleted_at IS NULL AND ${c?.sql}`,
      params: { ...c?.params },
    };
  })();
  const staff: SqlCondition = {
    sql: `d.organization_id = :organizationId AND d.status = 'active' AND d.deleted_at IS NULL`,
    params: {},
  };

  it('creates the vector column and its HNSW index where pgvector exists', async () => {
    expect(await chunks.hasEmbeddingColumn(m)).toBe(true);
    const { rows } = await client.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_document_chunks_embedding'`,
    );
    expect(rows[0]?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    const { rows: stored } = await client.query(
      `SELECT count(*)::int AS n FROM document_chunks WHERE embedding IS NOT NULL`,
    );
    expect(stored[0].n).toBe(5);
  });

  it('ranks visible chunks by cosine distance, as exact search does, and never returns a hidden one', async () => {
    const query = fakeEmbedding('noční klid v domě', EMBEDDING_DIMENSIONS);
    const found = await chunks.nearest(m, org, resident, query, 'fake', 10);
    const exact = (
      await client.query(
        `SELECT d.title FROM document_chunks c JOIN documents d ON d.id = c.version_id
          WHERE c.organization_id = $1 AND d.visibility = 'residents'
          ORDER BY c.embedding <=> $2::vector, c.id`,
        [org, `[${Array.from(query).join(',')}]`],
      )
    ).rows.map((r) => r.title);
    expect(found.map((c) => c.documentTitle)).toEqual(exact);
    expect(found[0]).toMatchObject({ documentTitle: 'rules', versionId: docs.rules, page: 1, chunkIndex: 0 });
    // Staff-only and other organisations' chunks are filtered out before ranking.
    expect(found.map((c) => c.documentTitle)).not.toContain('insurance');
    expect(found.map((c) => c.documentTitle)).not.toContain('boiler');
    expect(
      (await chunks.nearest(m, org, staff, query, 'fake', 10)).map((c) => c.documentTitle).sort(),
    ).toEqual(['bins', 'insurance', 'lift', 'rules']);
  });

  it('compares a query only with chunks embedded by the same model', async () => {
    const query = fakeEmbedding('noční klid v domě', EMBEDDING_DIMENSIONS);
    expect(await chunks.nearest(m, org, staff, query, 'openai http://elsewhere/v1 other-model', 10)).toEqual(
      [],
    );
  });

  it('plans the vector query through the HNSW index', async () => {
    const { sql, params } = vectorSql(staff);
    const [text, values] = bindNamed(sql, {
      ...params,
      organizationId: org,
      embedding: `[${Array.from(fakeEmbedding('klid', EMBEDDING_DIMENSIONS)).join(',')}]`,
      embeddingModel: 'fake',
      limit: 5,
    });
    // Five rows: the planner rightly prefers the organisation's B-tree and a sort. Without it (as for
    // an organisation with many chunks, where it costs more), the query's ORDER BY … <=> … LIMIT
    // shape is served by the HNSW index.
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query(
        'DROP INDEX uq_document_chunks_org_version_index, ix_document_chunks_org_document, ix_document_chunks_org_ts_config',
      );
      const plan = (await client.query(`EXPLAIN ${text}`, values)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/Index Scan using ix_document_chunks_embedding/);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('runs the full-text query there too (folded, prefixes)', async () => {
    const found = await chunks.fullText(m, org, resident, 'vytah', 5);
    expect(found.map((c) => c.documentTitle)).toEqual(['lift']);
    expect(await chunks.fullText(m, org, resident, 'pojištění', 5)).toEqual([]);
  });
});
