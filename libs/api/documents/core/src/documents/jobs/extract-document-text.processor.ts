import { Process, Processor } from '@nestjs/bull';
import { MaintenanceJob, QueueName, type DocumentJobData } from '@ppt/queue';
import type { Job } from 'bull';
import { DocumentText } from './document-text';

@Processor(QueueName.Maintenance)
export class ExtractDocumentTextProcessor {
  constructor(private readonly text: DocumentText) {}

  @Process(MaintenanceJob.ExtractDocumentText)
  handle(job: Job<DocumentJobData>): Promise<string> {
    return this.text.extract(job.data.organizationId, job.data.documentId);
  }
}
