import { Module } from '@nestjs/common';
import { ASSISTANT_RETRIEVER } from '@ppt/llm';
import { DocumentsCoreModule } from '../documents/documents.core.module';
import { DocumentsDataModule } from '../documents/documents-data.module';
import { DocumentChunksRepository } from './document-chunks.repository';
import { DocumentEmbeddings } from './document-embeddings';
import { DocumentIndexer } from './document-indexer';
import { DocumentSearchBackfill } from './document-search-backfill';
import { DocumentSearchService } from './document-search.service';

/**
 * The chunks and the embedding models, shared by the retriever (HTTP) and the indexer (worker). An
 * organisation's own model comes through ORGANIZATION_EMBEDDINGS (@ppt/llm's port), provided globally
 * by the assistant context's AssistantEmbeddingsModule where the app loads it.
 */
@Module({
  providers: [DocumentChunksRepository, DocumentEmbeddings],
  exports: [DocumentChunksRepository, DocumentEmbeddings],
})
export class DocumentChunksModule {}

/**
 * Document search for the HTTP process: the retriever (exported: the assistant and the search
 * route use it; it is the assistant's ASSISTANT_RETRIEVER). It asks the documents feature for the visibility filter, through DocumentsService.
 */
@Module({
  imports: [DocumentChunksModule, DocumentsCoreModule],
  providers: [DocumentSearchService, { provide: ASSISTANT_RETRIEVER, useExisting: DocumentSearchService }],
  exports: [DocumentSearchService, ASSISTANT_RETRIEVER],
})
export class DocumentSearchCoreModule {}

/**
 * The worker side: indexing on document events, and the backfill pass (@Scheduled). Kept apart from the retriever (DocumentsCoreModule
 * brings what only the HTTP process has); it reads document versions through documents' own
 * repository (the same context), never the documents table directly.
 */
@Module({
  imports: [DocumentChunksModule, DocumentsDataModule],
  providers: [DocumentIndexer, DocumentSearchBackfill],
  exports: [DocumentIndexer, DocumentSearchBackfill],
})
export class DocumentIndexingModule {}
