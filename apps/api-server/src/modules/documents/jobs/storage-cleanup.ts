import { Injectable, Logger } from '@nestjs/common';
import { Document, TenantTransactions, UploadSession } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { ObjectStorage } from '@ppt/storage';
import { IsNull, LessThan, Not, type EntityManager } from 'typeorm';
import { ApiServerEnv } from '../../../api-server.env';
import { AuditService } from '../../audit/audit.service';
import { DocumentJobs } from '../document-jobs';

export type CleanedKind =
  'abandoned_upload' | 'unconfirmed_upload' | 'deleted_object' | 'text_extraction_requeued';
export type CleanupTotals = Record<CleanedKind, number>;

/** Deleted documents whose removal job has not run by then are swept up here. */
const DELETED_OBJECT_GRACE_MS = 3600_000;
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };

const cleaned = processCounter<'kind'>({
  name: 'document_storage_cleaned_total',
  help: 'What the document storage clean-up did: abandoned resumable uploads, unconfirmed direct uploads and objects of deleted documents removed; text extractions that were never queued queued again',
  labelNames: ['kind'],
});

/**
 * The hourly storage clean-up: resumable uploads with no chunk for UPLOAD_ABANDONED_AFTER_S (their
 * multipart upload aborted, the pending document and its rows deleted), direct uploads never
 * confirmed within that time (object and pending document deleted), and objects of deleted
 * documents that their removal job missed. Organisations are found through the read-only platform
 * scope; each one is cleaned in its own tenant transaction.
 */
@Injectable()
export class DocumentStorageCleanup {
  private readonly logger = new Logger(DocumentStorageCleanup.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    private readonly env: ApiServerEnv,
    private readonly jobs: DocumentJobs,
  ) {}

  async run(now = new Date()): Promise<CleanupTotals> {
    const abandonedBefore = new Date(now.getTime() - this.env.UPLOAD_ABANDONED_AFTER_S * 1000);
    const deletedBefore = new Date(now.getTime() - DELETED_OBJECT_GRACE_MS);
    const organizations = await this.tenant.runPlatform(
      'document-storage-cleanup',
      (m) =>
        m.query(
          `SELECT organization_id FROM upload_sessions WHERE status <> 'completed' AND expires_at < $1
         UNION
         SELECT organization_id FROM documents
          WHERE (status = 'pending' AND deleted_at IS NULL AND created_at < $2)
             OR (deleted_at < $3 AND object_removed_at IS NULL)
             OR (status = 'active' AND deleted_at IS NULL AND text_status = 'pending' AND created_at < $3)`,
          [now, abandonedBefore, deletedBefore],
        ) as Promise<{ organization_id: string }[]>,
    );
    const totals: CleanupTotals = {
      abandoned_upload: 0,
      unconfirmed_upload: 0,
      deleted_object: 0,
      text_extraction_requeued: 0,
    };
    for (const { organization_id: organizationId } of organizations) {
      const sessions = await this.tenant.run({ organizationId }, (m) =>
        m.find(UploadSession, {
          where: { organizationId, status: Not('completed'), expiresAt: LessThan(now) },
          relations: { document: true },
        }),
      );
      for (const session of sessions) {
        // Storage first: if it fails, the rows stay and the next run tries again.
        const key = session.document?.objectKey;
        if (key) {
          await this.storage.abortMultipart(key, session.storageUploadId);
          await this.storage.delete(key); // a failed upload may have been assembled already
        }
        await this.tenant.run({ organizationId }, (m) =>
          this.deletePending(m, organizationId, session.documentId, 'abandoned resumable upload'),
        );
        totals.abandoned_upload++;
      }

      const unconfirmed = await this.tenant.run({ organizationId }, (m) =>
        m
          .createQueryBuilder(Document, 'd')
          .where(`d.organization_id = :organizationId AND d.status = 'pending' AND d.deleted_at IS NULL`, {
            organizationId,
          })
          .andWhere('d.created_at < :abandonedBefore', { abandonedBefore })
          .andWhere(
            'NOT EXISTS (SELECT 1 FROM upload_sessions s WHERE s.organization_id = d.organization_id AND s.document_id = d.id)',
          )
          .getMany(),
      );
      for (const doc of unconfirmed) {
        await this.storage.delete(doc.objectKey);
        await this.tenant.run({ organizationId }, (m) =>
          this.deletePending(m, organizationId, doc.id, 'direct upload never confirmed'),
        );
        totals.unconfirmed_upload++;
      }

      const deleted = await this.tenant.run({ organizationId }, (m) =>
        m.find(Document, {
          where: { organizationId, deletedAt: LessThan(deletedBefore), objectRemovedAt: IsNull() },
        }),
      );
      for (const doc of deleted) {
        await this.storage.delete(doc.objectKey);
        await this.tenant.run({ organizationId }, (m) =>
          m.update(Document, { organizationId, id: doc.id }, { objectRemovedAt: new Date() }),
        );
        totals.deleted_object++;
      }

      // Text still pending an hour after upload: its job was never queued (Redis down at upload time).
      // Queueing again is harmless: the job id is per document, so a queued one is not duplicated.
      const stuck = await this.tenant.run({ organizationId }, (m) =>
        m.find(Document, {
          select: { id: true },
          where: {
            organizationId,
            status: 'active',
            deletedAt: IsNull(),
            textStatus: 'pending',
            createdAt: LessThan(deletedBefore),
          },
        }),
      );
      for (const doc of stuck) {
        await this.jobs.extractText(organizationId, doc.id);
        totals.text_extraction_requeued++;
      }
    }
    for (const [kind, count] of Object.entries(totals) as [CleanedKind, number][])
      cleaned.inc({ kind }, count);
    this.logger.log(
      `Storage clean-up: ${totals.abandoned_upload} abandoned upload(s), ${totals.unconfirmed_upload} unconfirmed upload(s), ${totals.deleted_object} deleted object(s), ${totals.text_extraction_requeued} text extraction(s) queued again`,
    );
    return totals;
  }

  /** Removes a document that never became active (its session and chunks go with it), audited. */
  private async deletePending(
    m: EntityManager,
    organizationId: string,
    documentId: string,
    reason: string,
  ): Promise<void> {
    const result = await m.delete(Document, { organizationId, id: documentId, status: 'pending' });
    if (!result.affected) return;
    await this.audit.record(
      {
        action: 'document.deleted',
        organizationId,
        entityType: 'document',
        entityId: documentId,
        details: { reason },
      },
      NO_REQUEST,
      m,
    );
  }
}
