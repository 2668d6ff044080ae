import { Process, Processor } from '@nestjs/bull';
import type { DomainEvent } from '@ppt/events';
import { QueueName } from '@ppt/queue';
import type { Job } from 'bull';
import { DocumentIndexer } from '../document-indexer';

/** Document events routed to the maintenance queue (EVENT_QUEUES): the search index follows them. */
@Processor(QueueName.Maintenance)
export class DocumentSearchEventsProcessor {
  constructor(private readonly indexer: DocumentIndexer) {}

  @Process('document.text_extracted')
  index(job: Job<DomainEvent<'document.text_extracted'>>): Promise<string> {
    return this.indexer.index(job.data.organizationId, job.data.payload.documentId);
  }

  @Process('document.deleted')
  remove(job: Job<DomainEvent<'document.deleted'>>): Promise<string> {
    return this.indexer.remove(job.data.organizationId, job.data.payload.documentId);
  }
}
