import { Module } from '@nestjs/common';
import { DocumentIndexingModule } from '../document-search.core.module';
import { DocumentSearchEventsProcessor } from './document-search-events.processor';

/** Worker: the consumers of document events for the search index. */
@Module({
  imports: [DocumentIndexingModule],
  providers: [DocumentSearchEventsProcessor],
})
export class DocumentSearchJobsModule {}
