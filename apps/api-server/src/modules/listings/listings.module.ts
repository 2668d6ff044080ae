import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { BuildingsModule } from '../buildings/buildings.module';
import { DocumentsModule } from '../documents/documents.module';
import { LeadsModule } from '../leads/leads.module';
import { SyndicationModule } from '../syndication/syndication.module';
import { UnitsModule } from '../units/units.module';
import { ListingsController } from './listings.controller';
import { ListingsRepository } from './listings.repository';
import { ListingsService } from './listings.service';
import { PortalInquiriesController } from './portal-inquiries.controller';

@Module({
  imports: [BuildingsModule, UnitsModule, EventsModule, DocumentsModule, SyndicationModule, LeadsModule],
  controllers: [ListingsController, PortalInquiriesController],
  providers: [ListingsRepository, ListingsService],
})
export class ListingsModule {}
