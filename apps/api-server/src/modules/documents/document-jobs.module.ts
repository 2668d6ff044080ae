import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditService } from '../audit/audit.service';
import { DocumentJobs } from './document-jobs';
import { DocumentsRepository } from './documents.repository';
import { DocumentText } from './jobs/document-text';
import { DocumentStorageCleanupProcessor } from './jobs/document-storage-cleanup.processor';
import { ExtractDocumentTextProcessor } from './jobs/extract-document-text.processor';
import { RemoveDocumentObjectProcessor } from './jobs/remove-document-object.processor';
import { DocumentStorageCleanup } from './jobs/storage-cleanup';

/**
 * Worker side of documents: text extraction, object removal and the hourly storage clean-up. No
 * controllers (workers serve no API); the audit service is provided without its HTTP module.
 */
@Module({
  imports: [EventsModule],
  providers: [
    AuditLogRepository,
    AuditService,
    DocumentsRepository,
    DocumentJobs,
    DocumentText,
    DocumentStorageCleanup,
    ExtractDocumentTextProcessor,
    RemoveDocumentObjectProcessor,
    DocumentStorageCleanupProcessor,
  ],
  exports: [DocumentStorageCleanup, DocumentText],
})
export class DocumentJobsModule {}
