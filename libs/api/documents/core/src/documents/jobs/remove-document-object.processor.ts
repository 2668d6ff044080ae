import { Process, Processor } from '@nestjs/bull';
import { TenantTransactions } from '@ppt/db';
import { MaintenanceJob, QueueName, type DocumentJobData } from '@ppt/queue';
import { ObjectStorage } from '@ppt/storage';
import type { Job } from 'bull';
import { DocumentsRepository } from '../documents.repository';

/** Removes a deleted document's object from storage (deleting a missing object is not an error). */
@Processor(QueueName.Maintenance)
export class RemoveDocumentObjectProcessor {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly documents: DocumentsRepository,
    private readonly storage: ObjectStorage,
  ) {}

  @Process(MaintenanceJob.RemoveDocumentObject)
  async handle(job: Job<DocumentJobData>): Promise<string> {
    const { organizationId, documentId } = job.data;
    const doc = await this.tenant.run({ organizationId }, (m) =>
      this.documents.findAny(m, organizationId, documentId),
    );
    if (!doc?.deletedAt || doc.objectRemovedAt) return 'nothing to do';
    await this.storage.delete(doc.objectKey);
    await this.tenant.run({ organizationId }, (m) =>
      this.documents.update(m, organizationId, documentId, { objectRemovedAt: new Date() }),
    );
    return `removed ${doc.objectKey}`;
  }
}
