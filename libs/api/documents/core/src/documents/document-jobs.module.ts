import { Module } from '@nestjs/common';
import { DocumentsCoreModule } from './documents.core.module';
import { ExtractDocumentTextProcessor } from './jobs/extract-document-text.processor';
import { RemoveDocumentObjectProcessor } from './jobs/remove-document-object.processor';

/**
 * Worker side of documents: the consumers of text extraction, object removal and the hourly storage
 * clean-up (DocumentStorageCleanup.run, @Scheduled); the handlers are in DocumentsCoreModule.
 */
@Module({
  imports: [DocumentsCoreModule],
  providers: [ExtractDocumentTextProcessor, RemoveDocumentObjectProcessor],
})
export class DocumentJobsModule {}
