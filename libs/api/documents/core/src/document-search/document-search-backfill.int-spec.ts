import { ServiceTestContext } from '@ppt/api-testing';
import { Document, type Organization } from '@ppt/api-db';
import { register } from 'prom-client';
import { DocumentIndexingModule } from './document-search.core.module';
import { DocumentIndexer } from './document-indexer';
import { BACKFILL_GRACE_MS, DocumentSearchBackfill } from './document-search-backfill';
import { DocumentSearchEnv } from './document-search.env';

/**
 * The backfill on this machine's PostgreSQL (no pgvector: full text only), as the worker runs it: its
 * cross-organisation read in the 'document-search-backfill' scope as ppt_jobs (the migration's
 * policy), then each organisation in its own tenant transactions through the real indexer.
 */
describe('DocumentSearchBackfill (service tier)', () => {
  let ctx: ServiceTestContext;
  let backfill: DocumentSearchBackfill;
  let a: Organization;
  let b: Organization;

  beforeAll(async () => {
    ctx = await ServiceTestContext.create({
      imports: [DocumentIndexingModule],
      envSlices: [DocumentSearchEnv],
      env: { DOCUMENT_SEARCH_BACKFILL_BATCH: '2' },
      process: 'worker',
    });
    backfill = ctx.get(DocumentSearchBackfill);
    a = await ctx.newOrganization();
    b = await ctx.newOrganization();
  }, 60_000);
  afterAll(() => ctx?.close());

  /** A pass after the grace window of the versions inserted so far. */
  const later = () => new Date(Date.now() + BACKFILL_GRACE_MS + 60_000);
  let n = 0;
  const doc = (org: Organization, values: Partial<Document> = {}) =>
    ctx.insert(Document, {
      organizationId: org.id,
      title: `Document ${++n}`,
      category: 'other',
      status: 'active',
      fileName: `d${n}.txt`,
      objectKey: `k/${org.id}/${n}`,
      contentType: 'text/plain',
      sizeBytes: 10,
      textStatus: 'extracted',
      extractedText: `Revize výtahu ${n} proběhne v pondělí.`,
      ...values,
    });
  const chunkedVersions = async () =>
    (
      (await ctx.owner.query(`SELECT DISTINCT version_id FROM document_chunks`)) as { version_id: string }[]
    ).map((r) => r.version_id);
  const counter = async (kind: string, outcome: string) =>
    (await register.getSingleMetric('document_search_backfill_total')?.get())?.values.find(
      (v) => v.labels.kind === kind && v.labels.outcome === outcome,
    )?.value ?? 0;

  it('indexes current versions with text but no chunks, in every organisation, in bounded passes, and leaves the rest alone', async () => {
    const plain = await doc(a);
    const old = await doc(a, { extractedText: 'Stará verze smlouvy.' });
    const current = await doc(a, { previousVersionId: old.id, extractedText: 'Nová verze smlouvy.' });
    const deleted = await doc(a, { deletedAt: new Date() });
    const failed = await doc(a, { textStatus: 'failed', extractedText: null });
    const blank = await doc(a, { extractedText: ' \n\f ' });
    // What JavaScript's trim() strips too (chunkText would make no chunk of it): never picked.
    const unicodeBlank = await doc(a, { extractedText: '\u00a0\ufeff\u2003\u3000' });
    const image = await doc(a, {
      contentType: 'image/png',
      textStatus: 'not_applicable',
      extractedText: null,
    });
    const elsewhere = await doc(b);
    const indexedBefore = await counter('document', 'indexed');

    // Batch 2: two versions per pass; the pass stops there and the next one goes on.
    const first = await backfill.run(later());
    expect(first).toMatchObject({ indexed: 2, limited: true });
    const second = await backfill.run(later());
    expect(second.indexed).toBe(1);
    const third = await backfill.run(later());
    expect(third).toMatchObject({ indexed: 0, skippedDocuments: 0, limited: false });

    expect((await chunkedVersions()).sort()).toEqual([plain.id, current.id, elsewhere.id].sort());
    for (const untouched of [old, deleted, failed, blank, unicodeBlank, image])
      expect(await chunkedVersions()).not.toContain(untouched.id);
    const [row] = (await ctx.owner.query(
      `SELECT organization_id, document_id, text, embedding_model FROM document_chunks WHERE version_id = $1`,
      [current.id],
    )) as { organization_id: string; document_id: string; text: string; embedding_model: string | null }[];
    // Filed under the document's first version, as the indexer files it; no model here (full text only).
    expect(row).toMatchObject({
      organization_id: a.id,
      document_id: old.id,
      text: 'Nová verze smlouvy.',
      embedding_model: null,
    });
    expect((await counter('document', 'indexed')) - indexedBefore).toBe(3);
  });

  it('does not undo a newer version that arrives while the pass runs (the indexer ignores stale versions)', async () => {
    const v1 = await doc(b, { extractedText: 'První verze.' });
    // A new version lands after the pass listed v1 but before it is indexed: v1 is then stale.
    const indexer = ctx.get(DocumentIndexer);
    const original = indexer.index.bind(indexer);
    let v2: Document | undefined;
    jest.spyOn(indexer, 'index').mockImplementationOnce(async (org: string, versionId: string) => {
      v2 = await doc(b, { previousVersionId: v1.id, extractedText: 'Druhá verze.' });
      return original(org, versionId);
    });
    const pass = await backfill.run(later());
    expect(pass).toMatchObject({ indexed: 0, skippedDocuments: 1 });
    expect(await chunkedVersions()).not.toContain(v1.id);
    await backfill.run(later());
    expect(v2).toBeDefined();
    expect(await chunkedVersions()).toContain(v2?.id);
  });

  it('leaves a fresh version to its own indexing job (grace window); one failing version does not stop the pass', async () => {
    const fresh = await doc(b, { extractedText: 'Čerstvě nahraný dokument.' });
    expect(await backfill.run(new Date())).toMatchObject({ indexed: 0, skippedDocuments: 0 });
    expect(await chunkedVersions()).not.toContain(fresh.id);

    const broken = await doc(b, { extractedText: 'Tento se nepovede.' });
    jest.restoreAllMocks(); // the spy of the test before, so `original` is the indexer's own method
    const indexer = ctx.get(DocumentIndexer);
    const original = indexer.index.bind(indexer);
    jest.spyOn(indexer, 'index').mockImplementation(async (org: string, versionId: string) => {
      if (versionId === broken.id) throw new Error('the database went away for a moment');
      return original(org, versionId);
    });
    try {
      expect(await backfill.run(later())).toMatchObject({ indexed: 1, skippedDocuments: 1 });
    } finally {
      jest.restoreAllMocks();
    }
    expect(await chunkedVersions()).toContain(fresh.id);
    expect(await chunkedVersions()).not.toContain(broken.id);
  });

  it('two indexings of one document at once take turns instead of colliding on the chunk index', async () => {
    const version = await doc(a, { extractedText: 'Souběžné indexování.' });
    const indexer = ctx.get(DocumentIndexer);
    const outcomes = await Promise.all([indexer.index(a.id, version.id), indexer.index(a.id, version.id)]);
    expect(outcomes.every((o) => o.startsWith('indexed 1 chunks'))).toBe(true);
    const rows = (await ctx.owner.query(`SELECT chunk_index FROM document_chunks WHERE version_id = $1`, [
      version.id,
    ])) as unknown[];
    expect(rows).toHaveLength(1);
  });
});
