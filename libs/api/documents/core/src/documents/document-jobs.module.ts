import { Module } from '@nestjs/common';
import { DocumentsCoreModule } from './documents.core.module';
import { DocumentStorageCleanupProcessor } from './jobs/document-storage-cleanup.processor';
import { ExtractDocumentTextProcessor } from './jobs/extract-document-text.processor';
import { RemoveDocumentObjectProcessor } from './jobs/remove-document-object.processor';

/**
 * Worker side of documents: the consumers of text extraction, object removal and the hourly storage
 * clean-up; the handlers are in DocumentsCoreModule.
 */
@Module({
  imports: [DocumentsCoreModule],
  providers: [ExtractDocumentTextProcessor, RemoveDocumentObjectProcessor, DocumentStorageCleanupProcessor],
})
export class DocumentJobsModule {}
