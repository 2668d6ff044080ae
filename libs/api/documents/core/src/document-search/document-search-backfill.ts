import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { EMBEDDING_REQUEST_TEXTS } from '@ppt/llm';
import { RedisConnections, releaseLease, takeLease } from '@ppt/redis';
import { processCounter } from '@ppt/observability';
import { MaintenanceJob, Scheduled } from '@ppt/queue';
import { DocumentChunksRepository } from './document-chunks.repository';
import { DocumentEmbeddings } from './document-embeddings';
import { DocumentIndexer, embeddingText } from './document-indexer';
import { DocumentSearchEnv } from './document-search.env';

/** Chunks sent to the embedding model in one request while re-embedding. */
export const REEMBED_REQUEST_CHUNKS = EMBEDDING_REQUEST_TEXTS;

/**
 * How long a version is left to its own indexing job (document.* events) after it last changed: a
 * fresh upload has no chunks yet because its job has not run, not because it was lost.
 */
export const BACKFILL_GRACE_MS = 15 * 60_000;

/** The pass lock's lease (a pass that died holding it frees it then); passes are bounded by the batch. */
const PASS_LOCK_TTL_MS = 60 * 60_000;

export interface BackfillTotals {
  /** Current versions without chunks that were indexed now. */
  indexed: number;
  /** Versions the indexer left alone (deleted or superseded meanwhile, nothing to index) or failed on: logged. */
  skippedDocuments: number;
  /** Chunks given a vector of their organisation's current model. */
  reembedded: number;
  /** Chunks the provider refused (their batch was passed over; tried again next pass): logged. */
  refusedChunks: number;
  /** Chunks of the platform model's bare name, now named by its identity (no new vectors). */
  relabelled: number;
  /** Organisations whose chunks could not be re-embedded now (model paused or failing, an error): logged. */
  skippedOrganizations: number;
  /** Whether the pass stopped at its batch limit (the next pass goes on from there). */
  limited: boolean;
  /** Whether another pass held the lock, so this one did nothing. */
  overlapping: boolean;
}

const backfilled = processCounter<'kind' | 'outcome'>({
  name: 'document_search_backfill_total',
  help: 'Document search backfill: versions indexed or skipped (kind=document), chunks re-embedded, refused or relabelled (kind=chunk), organisations whose re-embedding was skipped (kind=organization)',
  labelNames: ['kind', 'outcome'],
});

/**
 * Catches document search up with the documents: every 10 minutes (and when an operator asks, through
 * the admin CLI) it finds, per organisation,
 * 1. current versions with extracted text but no chunks, unchanged for BACKFILL_GRACE_MS (uploaded
 *    before indexing existed, or their indexing job was lost) and indexes them through the indexer,
 *    exactly as the event would: a version deleted or superseded meanwhile is left alone there;
 * 2. chunks with no vector of the organisation's current embedding model (none, or another model's)
 *    and re-embeds them in requests of REEMBED_REQUEST_CHUNKS, each written by chunk id (a chunk
 *    replaced meanwhile has another id, so a late write touches nothing). A batch the provider
 *    refuses is passed over (keyset); a model that fails otherwise is not asked again in this pass.
 *    Chunks of the platform model recorded under its bare name (before identities) are relabelled.
 * At most DOCUMENT_SEARCH_BACKFILL_BATCH versions and as many chunks per pass; what is left is found
 * again by the next pass, which starts at the organisation after the last one this process reached.
 * One pass at a time across processes (a Redis lease); an error in one version or organisation is
 * logged and counted, and the pass goes on.
 */
@Injectable()
export class DocumentSearchBackfill {
  private readonly logger = new Logger(DocumentSearchBackfill.name);
  /** The organisation the previous pass stopped at (in this process), so no organisation starves. */
  private resumeAt: string | null = null;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly chunks: DocumentChunksRepository,
    private readonly indexer: DocumentIndexer,
    private readonly embeddings: DocumentEmbeddings,
    private readonly env: DocumentSearchEnv,
    private readonly redis: RedisConnections,
  ) {}

  @Scheduled({
    job: MaintenanceJob.DocumentSearchBackfill,
    cron: '*/10 * * * *',
    scope: 'document-search-backfill',
  })
  async run(now = new Date()): Promise<BackfillTotals> {
    const totals: BackfillTotals = {
      indexed: 0,
      skippedDocuments: 0,
      reembedded: 0,
      refusedChunks: 0,
      relabelled: 0,
      skippedOrganizations: 0,
      limited: false,
      overlapping: false,
    };
    const release = await this.lockPass();
    if (!release) {
      this.logger.log('Search backfill: another pass is running; this one does nothing');
      return { ...totals, overlapping: true };
    }
    try {
      await this.pass(now, totals);
    } finally {
      await release();
    }
    backfilled.inc({ kind: 'document', outcome: 'indexed' }, totals.indexed);
    backfilled.inc({ kind: 'document', outcome: 'skipped' }, totals.skippedDocuments);
    backfilled.inc({ kind: 'chunk', outcome: 're_embedded' }, totals.reembedded);
    backfilled.inc({ kind: 'chunk', outcome: 'refused' }, totals.refusedChunks);
    backfilled.inc({ kind: 'chunk', outcome: 'relabelled' }, totals.relabelled);
    backfilled.inc({ kind: 'organization', outcome: 'skipped' }, totals.skippedOrganizations);
    const { indexed, skippedDocuments, reembedded, refusedChunks, relabelled, skippedOrganizations } = totals;
    if (indexed + skippedDocuments + reembedded + refusedChunks + relabelled + skippedOrganizations > 0)
      this.logger.log(
        `Search backfill: ${indexed} version(s) indexed, ${skippedDocuments} skipped, ` +
          `${reembedded} chunk(s) re-embedded, ${refusedChunks} refused, ${relabelled} relabelled, ` +
          `${skippedOrganizations} organisation(s) skipped` +
          (totals.limited ? ' (batch limit reached; the next pass goes on)' : ''),
      );
    return totals;
  }

  private async pass(now: Date, totals: BackfillTotals): Promise<void> {
    const batch = this.env.DOCUMENT_SEARCH_BACKFILL_BATCH;
    const organizations = (
      (await this.tenant.runPlatformJob((m) =>
        m.query(
          `SELECT DISTINCT organization_id AS id FROM documents
            WHERE status = 'active' AND deleted_at IS NULL AND text_status = 'extracted'
            ORDER BY 1`,
        ),
      )) as { id: string }[]
    ).map((o) => o.id);
    const resumeAt = this.resumeAt;
    const start = resumeAt
      ? Math.max(
          0,
          organizations.findIndex((id) => id >= resumeAt),
        )
      : 0;
    const ordered = [...organizations.slice(start), ...organizations.slice(0, start)];
    const vectors = await this.tenant.run({}, (m) => this.chunks.hasEmbeddingColumn(m));
    const settledBefore = new Date(now.getTime() - BACKFILL_GRACE_MS);
    /** Models that failed in this pass: not asked again until the next one. */
    const failing = new Set<string>();
    let documentsLeft = batch;
    let chunksLeft = batch;
    for (const organizationId of ordered) {
      try {
        documentsLeft -= await this.indexMissing(organizationId, settledBefore, documentsLeft, totals);
        if (vectors) chunksLeft -= await this.reembed(organizationId, chunksLeft, failing, totals);
      } catch (err) {
        totals.skippedOrganizations++;
        this.logger.warn(
          { err, organizationId },
          'Search backfill failed for this organisation; the next pass tries again',
        );
      }
      // Out of either allowance: this organisation may have more, the next pass starts with it.
      if (documentsLeft <= 0 || (vectors && chunksLeft <= 0)) {
        this.resumeAt = organizationId;
        totals.limited = true;
        break;
      }
    }
    if (!totals.limited) this.resumeAt = null;
  }

  /** One pass at a time across workers (and the operator's trigger): a Redis lease, null when held. */
  private async lockPass(): Promise<(() => Promise<void>) | null> {
    const client = this.redis.get('document-search-backfill');
    const key = 'document-search:backfill:pass';
    const token = await takeLease(client, key, PASS_LOCK_TTL_MS);
    if (!token) return null;
    return async () => {
      // Only our own lease (one that expired and was taken by another pass stays).
      await releaseLease(client, key, token).catch((err: unknown) =>
        this.logger.warn({ err }, 'Releasing the search backfill lock failed; it expires'),
      );
    };
  }

  /** Indexes up to `limit` versions without chunks; returns how many were tried. */
  private async indexMissing(
    organizationId: string,
    settledBefore: Date,
    limit: number,
    totals: BackfillTotals,
  ): Promise<number> {
    if (limit <= 0) return 0;
    const versions = await this.tenant.run({ organizationId }, (m) =>
      this.chunks.versionsWithoutChunks(m, organizationId, settledBefore, limit),
    );
    for (const version of versions) {
      let outcome: string;
      try {
        outcome = await this.indexer.index(organizationId, version.id);
      } catch (err) {
        outcome = `failed: ${(err as Error)?.message}`;
      }
      if (/^indexed [1-9]/.test(outcome)) {
        totals.indexed++;
      } else {
        totals.skippedDocuments++;
        this.logger.warn(
          { organizationId, versionId: version.id, outcome },
          'Search backfill skipped a version',
        );
      }
    }
    return versions.length;
  }

  /** Re-embeds up to `limit` chunks with the organisation's current model; returns how many were tried. */
  private async reembed(
    organizationId: string,
    limit: number,
    failing: Set<string>,
    totals: BackfillTotals,
  ): Promise<number> {
    if (limit <= 0) return 0;
    const target = await this.embeddings.targetFor(organizationId);
    if (!target) return 0; // no model at all: chunks stay full-text only
    if (target.source === 'platform' && target.identity !== this.embeddings.platformModelName)
      totals.relabelled += await this.tenant.run({ organizationId }, (m) =>
        this.chunks.relabelEmbeddings(m, organizationId, this.embeddings.platformModelName, target.identity),
      );
    let done = 0;
    let after: string | null = null;
    while (done < limit) {
      const rows = await this.tenant.run({ organizationId }, (m) =>
        this.chunks.chunksToEmbed(
          m,
          organizationId,
          target.identity,
          Math.min(REEMBED_REQUEST_CHUNKS, limit - done),
          after,
        ),
      );
      if (rows.length === 0) break;
      const result = failing.has(target.identity)
        ? ({ failed: 'unavailable' } as const)
        : await this.embeddings.embedBatch(
            target,
            rows.map((r) => embeddingText(r.title, r.text)),
          );
      done += rows.length;
      after = rows[rows.length - 1].id;
      if ('failed' in result && result.failed === 'refused') {
        // These texts will not do (the next pass tries them again); the others may.
        totals.refusedChunks += rows.length;
        continue;
      }
      if ('failed' in result) {
        // Paused, failing, out of budget or rate: logged by DocumentEmbeddings; the next pass tries again.
        if (target.model) failing.add(target.identity);
        totals.skippedOrganizations++;
        this.logger.warn(
          { organizationId, model: target.identity, waiting: rows.length },
          'Search backfill could not re-embed this organisation now',
        );
        break;
      }
      const { vectors } = result;
      totals.reembedded += await this.tenant.run({ organizationId }, (m) =>
        this.chunks.setEmbeddings(
          m,
          organizationId,
          target.identity,
          rows.map((r, i) => ({ id: r.id, vector: vectors[i] })),
        ),
      );
    }
    return done;
  }
}
