import { Module } from '@nestjs/common';
import { DocumentSearchCoreModule } from '@ppt/api-documents-core';
import { DocumentSearchController } from './document-search.controller';

/** GET /assistant/search: the retriever's results as cited chunks (debugging and a search UI). */
@Module({
  imports: [DocumentSearchCoreModule],
  controllers: [DocumentSearchController],
})
export class DocumentSearchHttpModule {}
