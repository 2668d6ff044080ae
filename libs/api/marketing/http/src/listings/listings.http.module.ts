import { Module } from '@nestjs/common';
import { ListingsCoreModule } from '@ppt/api-marketing-core';
import { ListingsController } from './listings.controller';
import { PortalInquiriesController } from './portal-inquiries.controller';

/** Listings's routes; the rules live in ListingsCoreModule. */
@Module({ imports: [ListingsCoreModule], controllers: [ListingsController, PortalInquiriesController] })
export class ListingsHttpModule {}
