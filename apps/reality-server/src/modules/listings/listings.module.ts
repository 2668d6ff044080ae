import { Module } from '@nestjs/common';
import { PortalFeedProcessor } from './portal-feed.processor';
import { ListingsController } from './listings.controller';
import { PortalListingsRepository } from './portal-listings.repository';
import { PortalListingsService } from './portal-listings.service';

@Module({
  controllers: [ListingsController],
  providers: [PortalListingsRepository, PortalListingsService],
  exports: [PortalListingsRepository, PortalListingsService],
})
export class ListingsModule {}

/** Worker side: the feed that keeps the read model in step (no controllers in workers). */
@Module({
  providers: [PortalListingsRepository, PortalFeedProcessor],
})
export class PortalFeedModule {}
