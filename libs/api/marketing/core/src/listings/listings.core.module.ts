import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { BuildingsCoreModule } from '@ppt/api-property-core';
import { DocumentsCoreModule } from '@ppt/api-documents-core';
import { LeadsModule } from '../leads/leads.module';
import { SyndicationCoreModule } from '../syndication/syndication.core.module';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { ListingsRepository } from './listings.repository';
import { ListingsService } from './listings.service';

@Module({
  imports: [BuildingsCoreModule, UnitsCoreModule, EventsModule, DocumentsCoreModule, SyndicationCoreModule, LeadsModule],
  providers: [ListingsRepository, ListingsService],
  exports: [ListingsService],
})
export class ListingsCoreModule {}
