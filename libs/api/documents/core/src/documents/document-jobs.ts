import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceJob, QueueName, type DocumentJobData } from '@ppt/queue';
import type { Queue } from 'bull';

/**
 * Enqueues the per-document background work, after the change committed. Job ids are derived from
 * the document, so asking twice queues once. A failed enqueue is logged, not thrown: the change is
 * already committed, and the hourly storage clean-up sweeps up deleted documents' objects anyway.
 */
@Injectable()
export class DocumentJobs {
  private readonly logger = new Logger(DocumentJobs.name);

  constructor(@InjectQueue(QueueName.Maintenance) private readonly queue: Queue) {}

  extractText(organizationId: string, documentId: string): Promise<void> {
    return this.add(MaintenanceJob.ExtractDocumentText, `document-text:${documentId}`, {
      organizationId,
      documentId,
    });
  }

  removeObject(organizationId: string, documentId: string): Promise<void> {
    return this.add(MaintenanceJob.RemoveDocumentObject, `document-object:${documentId}`, {
      organizationId,
      documentId,
    });
  }

  private async add(name: MaintenanceJob, jobId: string, data: DocumentJobData): Promise<void> {
    try {
      await this.queue.add(name, data, { jobId, removeOnComplete: true });
    } catch (err) {
      this.logger.warn({ err, jobId }, `Could not enqueue ${name}`);
    }
  }
}
