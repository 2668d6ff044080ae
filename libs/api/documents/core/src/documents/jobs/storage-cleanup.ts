import { Injectable, Logger } from '@nestjs/common';
import { Document, UploadSession } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { ObjectStorage } from '@ppt/storage';
import { IsNull, LessThan, Not, type EntityManager } from 'typeorm';
import { DocumentsEnv } from '../documents.env';
import { AuditService } from '@ppt/api-shared';
import { DocumentJobs } from '../document-jobs';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

export type CleanedKind =
  | 'abandoned_upload'
  | 'unconfirmed_upload'
  | 'deleted_object'
  | 'staging_object'
  | 'text_extraction_requeued';
export type CleanupTotals = Record<CleanedKind, number>;

/** Deleted documents whose removal job has not run by then are swept up here. */
const DELETED_OBJECT_GRACE_MS = 3600_000;
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };

const cleaned = processCounter<'kind'>({
  name: 'document_storage_cleaned_total',
  help: 'What the document storage clean-up did: abandoned resumable uploads, unconfirmed direct uploads, objects of deleted documents and expired direct-upload staging objects removed; text extractions that were never queued queued again',
  labelNames: ['kind'],
});

/**
 * The hourly storage clean-up: resumable uploads with no chunk for UPLOAD_ABANDONED_AFTER_S (their
 * multipart upload aborted, the pending document and its rows deleted), direct uploads never
 * confirmed within that time (objects and pending document deleted), staging objects of direct
 * uploads whose URL expired, and objects of deleted documents that their removal job missed.
 * Organisations are found through the read-only platform scope; each one is cleaned in its own
 * tenant transactions.
 *
 * It never deletes an object an active document points to: a pending document's rows are deleted
 * first, under its row lock and only while it is still pending (a confirm or complete that
 * activated it meanwhile wins), and only then its objects. A crash in between leaves an orphaned
 * object behind (storage, not data, is lost), never a document without its bytes.
 */
@Injectable()
export class DocumentStorageCleanup {
  private readonly logger = new Logger(DocumentStorageCleanup.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    private readonly env: DocumentsEnv,
    private readonly jobs: DocumentJobs,
  ) {}

  /** Every hour at :20 (away from the top of the hour, when the other schedules fire). */
  @Scheduled({
    job: MaintenanceJob.DocumentStorageCleanup,
    cron: '20 * * * *',
    scope: 'document-storage-cleanup',
  })
  async run(now = new Date()): Promise<CleanupTotals> {
    const abandonedBefore = new Date(now.getTime() - this.env.UPLOAD_ABANDONED_AFTER_S * 1000);
    const deletedBefore = new Date(now.getTime() - DELETED_OBJECT_GRACE_MS);
    const organizations = await this.tenant.runPlatformJob(
      (m) =>
        m.query(
          `SELECT organization_id FROM upload_sessions WHERE status <> 'completed' AND expires_at < $1
         UNION
         SELECT organization_id FROM documents
          WHERE (status = 'pending' AND deleted_at IS NULL AND created_at < $2)
             OR (deleted_at < $3 AND object_removed_at IS NULL)
             OR (status = 'active' AND deleted_at IS NULL AND text_status = 'pending' AND created_at < $3)
             OR (staging_key IS NOT NULL AND status = 'active' AND staging_expires_at < $1)`,
          [now, abandonedBefore, deletedBefore],
        ) as Promise<{ organization_id: string }[]>,
    );
    const totals: CleanupTotals = {
      abandoned_upload: 0,
      unconfirmed_upload: 0,
      deleted_object: 0,
      staging_object: 0,
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
        const key = session.document?.objectKey;
        const outcome = await this.tenant.run({ organizationId }, async (m) => {
          const locked = await m.findOne(UploadSession, {
            where: { organizationId, id: session.id },
            lock: { mode: 'pessimistic_write' },
          });
          if (!locked || locked.status === 'completed' || locked.expiresAt >= now) return 'busy' as const;
          const doc = await this.lockDocument(m, organizationId, session.documentId);
          if (doc && doc.status !== 'pending') {
            // Activated but never marked (an older release did the two apart): the object is the document's.
            await m.update(UploadSession, { organizationId, id: session.id }, { status: 'completed' });
            return 'active' as const;
          }
          await this.deletePending(m, organizationId, session.documentId, 'abandoned resumable upload');
          return 'deleted' as const;
        });
        if (outcome === 'busy' || !key) continue;
        await this.storage.abortMultipart(key, session.storageUploadId);
        if (outcome === 'deleted') {
          await this.storage.delete(key); // a failed upload may have been assembled already
          totals.abandoned_upload++;
        }
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
        const deleted = await this.tenant.run({ organizationId }, async (m) => {
          const locked = await this.lockDocument(m, organizationId, doc.id);
          if (locked?.status !== 'pending') return false; // confirmed meanwhile
          return this.deletePending(m, organizationId, doc.id, 'direct upload never confirmed');
        });
        if (!deleted) continue;
        if (doc.stagingKey) await this.storage.delete(doc.stagingKey);
        await this.storage.delete(doc.objectKey); // a confirm that copied and then failed
        totals.unconfirmed_upload++;
      }

      // Direct uploads' URLs cannot be revoked on S3: whatever was PUT to the staging key until the
      // URL expired is removed now; the document's own object is never touched.
      const staged = await this.tenant.run({ organizationId }, (m) =>
        m
          .createQueryBuilder(Document, 'd')
          .where(`d.organization_id = :organizationId AND d.staging_key IS NOT NULL`, { organizationId })
          .andWhere(`d.status = 'active' AND d.staging_expires_at < :now`, { now })
          .getMany(),
      );
      for (const doc of staged) {
        await this.storage.delete(doc.stagingKey as string);
        await this.tenant.run({ organizationId }, (m) =>
          m.update(Document, { organizationId, id: doc.id }, { stagingKey: null, stagingExpiresAt: null }),
        );
        totals.staging_object++;
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
      `Storage clean-up: ${totals.abandoned_upload} abandoned upload(s), ${totals.unconfirmed_upload} unconfirmed upload(s), ${totals.deleted_object} deleted object(s), ${totals.staging_object} staging object(s), ${totals.text_extraction_requeued} text extraction(s) queued again`,
    );
    return totals;
  }

  private lockDocument(m: EntityManager, organizationId: string, id: string): Promise<Document | null> {
    return m.findOne(Document, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Removes a document that never became active (its session and chunks go with it), audited; false
   * when it is not pending (any more).
   */
  private async deletePending(
    m: EntityManager,
    organizationId: string,
    documentId: string,
    reason: string,
  ): Promise<boolean> {
    const result = await m.delete(Document, { organizationId, id: documentId, status: 'pending' });
    if (!result.affected) return false;
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
    return true;
  }
}
