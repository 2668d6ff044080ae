import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { PortalRealtimeCoreModule } from '../realtime/realtime.core.module';
import { SavedSearchesController } from './saved-searches.controller';
import { SavedSearchesRepository } from './saved-searches.repository';
import { SavedSearchesService } from './saved-searches.service';

@Module({
  imports: [ListingsModule, PortalRealtimeCoreModule],
  controllers: [SavedSearchesController],
  providers: [SavedSearchesRepository, SavedSearchesService],
})
export class SavedSearchesModule {}
