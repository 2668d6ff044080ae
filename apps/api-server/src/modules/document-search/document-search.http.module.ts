import { Module } from '@nestjs/common';
import { DocumentSearchCoreModule } from './document-search.core.module';
import { DocumentSearchController } from './document-search.controller';

/** GET /assistant/search: the retriever's results as cited chunks (debugging and a search UI). */
@Module({
  imports: [DocumentSearchCoreModule],
  controllers: [DocumentSearchController],
})
export class DocumentSearchHttpModule {}
