import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { MaintenanceJob, Scheduled } from '@ppt/queue';
import { DocumentChunksRepository } from './document-chunks.repository';
import { DocumentEmbeddings } from './document-embeddings';
import { DocumentIndexer, embeddingText } from './document-indexer';
import { DocumentSearchEnv } from './document-search.env';

/** Chunks sent to the embedding model in one request while re-embedding. */
export const REEMBED_REQUEST_CHUNKS = 64;

export interface BackfillTotals {
  /** Current versions without chunks that were indexed now. */
  indexed: number;
  /** Versions the indexer left alone (deleted or superseded meanwhile, nothing to index): logged. */
  skippedDocuments: number;
  /** Chunks given a vector of their organisation's current model. */
  reembedded: number;
  /** Organisations whose chunks could not be re-embedded now (model paused or failing): logged. */
  skippedOrganizations: number;
  /** Whether the pass stopped at its batch limit (the next pass goes on from there). */
  limited: boolean;
}

const backfilled = processCounter<'kind' | 'outcome'>({
  name: 'document_search_backfill_total',
  help: 'Document search backfill: versions indexed or skipped (kind=document), chunks re-embedded (kind=chunk), organisations whose re-embedding was skipped (kind=organization)',
  labelNames: ['kind', 'outcome'],
});

/**
 * Catches document search up with the documents: every 10 minutes (and when an operator asks, through
 * the admin CLI) it finds, per organisation,
 * 1. current versions with extracted text but no chunks (uploaded before indexing existed, or their
 *    indexing job was lost) and indexes them through the indexer, exactly as the event would: a
 *    version deleted or superseded meanwhile is left alone there, so nothing newer is undone;
 * 2. chunks with no vector of the organisation's current embedding model (none, or another model's:
 *    after an organisation changed its model, or indexed while no model was configured or the
 *    provider failed) and re-embeds them in requests of REEMBED_REQUEST_CHUNKS, each written by
 *    chunk id (a chunk replaced meanwhile has another id, so a late write touches nothing).
 * At most DOCUMENT_SEARCH_BACKFILL_BATCH versions and as many chunks per pass; what is left is found
 * again by the next pass (the work is defined by the data, so a crashed pass just resumes), which
 * starts at the organisation after the last one this process reached.
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
  ) {}

  @Scheduled({
    job: MaintenanceJob.DocumentSearchBackfill,
    cron: '*/10 * * * *',
    scope: 'document-search-backfill',
  })
  async run(_now = new Date()): Promise<BackfillTotals> {
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
    const start = resumeAt ? Math.max(0, organizations.findIndex((id) => id >= resumeAt)) : 0;
    const ordered = [...organizations.slice(start), ...organizations.slice(0, start)];
    const totals: BackfillTotals = {
      indexed: 0,
      skippedDocuments: 0,
      reembedded: 0,
      skippedOrganizations: 0,
      limited: false,
    };
    const vectors = await this.tenant.run({}, (m) => this.chunks.hasEmbeddingColumn(m));
    let documentsLeft = batch;
    let chunksLeft = batch;
    for (const organizationId of ordered) {
      documentsLeft -= await this.indexMissing(organizationId, documentsLeft, totals);
      if (vectors) chunksLeft -= await this.reembed(organizationId, chunksLeft, totals);
      // Out of either allowance: this organisation may have more, the next pass starts with it.
      if (documentsLeft <= 0 || (vectors && chunksLeft <= 0)) {
        this.resumeAt = organizationId;
        totals.limited = true;
        break;
      }
    }
    if (!totals.limited) this.resumeAt = null;
    backfilled.inc({ kind: 'document', outcome: 'indexed' }, totals.indexed);
    backfilled.inc({ kind: 'document', outcome: 'skipped' }, totals.skippedDocuments);
    backfilled.inc({ kind: 'chunk', outcome: 're_embedded' }, totals.reembedded);
    backfilled.inc({ kind: 'organization', outcome: 'skipped' }, totals.skippedOrganizations);
    if (totals.indexed + totals.skippedDocuments + totals.reembedded + totals.skippedOrganizations > 0)
      this.logger.log(
        `Search backfill: ${totals.indexed} version(s) indexed, ${totals.skippedDocuments} skipped, ` +
          `${totals.reembedded} chunk(s) re-embedded, ${totals.skippedOrganizations} organisation(s) skipped` +
          (totals.limited ? ' (batch limit reached; the next pass goes on)' : ''),
      );
    return totals;
  }

  /** Indexes up to `limit` versions without chunks; returns how many were tried. */
  private async indexMissing(organizationId: string, limit: number, totals: BackfillTotals): Promise<number> {
    if (limit <= 0) return 0;
    const versions = await this.tenant.run({ organizationId }, (m) =>
      this.chunks.versionsWithoutChunks(m, organizationId, limit),
    );
    for (const version of versions) {
      const outcome = await this.indexer.index(organizationId, version.id);
      if (outcome.startsWith('indexed')) {
        totals.indexed++;
      } else {
        totals.skippedDocuments++;
        this.logger.warn({ organizationId, versionId: version.id, outcome }, 'Search backfill skipped a version');
      }
    }
    return versions.length;
  }

  /** Re-embeds up to `limit` chunks with the organisation's current model; returns how many were done. */
  private async reembed(organizationId: string, limit: number, totals: BackfillTotals): Promise<number> {
    if (limit <= 0) return 0;
    const target = await this.embeddings.targetFor(organizationId);
    if (!target) return 0; // no model at all: chunks stay full-text only
    let done = 0;
    while (done < limit) {
      const rows = await this.tenant.run({ organizationId }, (m) =>
        this.chunks.chunksToEmbed(m, organizationId, target.identity, Math.min(REEMBED_REQUEST_CHUNKS, limit - done)),
      );
      if (rows.length === 0) break;
      const vectors = target.model
        ? await this.embeddings.embedDocuments(
            target,
            rows.map((r) => embeddingText(r.title, r.text)),
          )
        : null;
      if (!vectors) {
        // Paused (budget) or failing: logged by DocumentEmbeddings; the next pass tries again.
        totals.skippedOrganizations++;
        this.logger.warn(
          { organizationId, model: target.identity, waiting: rows.length },
          'Search backfill could not re-embed this organisation now',
        );
        break;
      }
      const written = await this.tenant.run({ organizationId }, (m) =>
        this.chunks.setEmbeddings(
          m,
          organizationId,
          target.identity,
          rows.map((r, i) => ({ id: r.id, vector: vectors[i] })),
        ),
      );
      totals.reembedded += written;
      done += rows.length;
    }
    return done;
  }
}
