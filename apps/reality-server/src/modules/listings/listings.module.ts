import { Module } from '@nestjs/common';
import { PortalFeedProcessor } from './portal-feed.processor';
import { ListingsController } from './listings.controller';
import { PortalListingsRepository } from './portal-listings.repository';
import { PortalListingsService } from './portal-listings.service';

/**
 * The portal's listings without their controller: the one place the repository and the service are
 * declared (one instance each), imported by the HTTP module, the feed worker and saved-search alerts.
 */
@Module({
  providers: [PortalListingsRepository, PortalListingsService],
  exports: [PortalListingsRepository, PortalListingsService],
})
export class PortalListingsCoreModule {}

/** HTTP: the public search; re-exports the core for the features that read listings. */
@Module({
  imports: [PortalListingsCoreModule],
  controllers: [ListingsController],
  exports: [PortalListingsCoreModule],
})
export class ListingsModule {}

/** Worker side: the feed that keeps the read model in step (no controllers in workers). */
@Module({
  imports: [PortalListingsCoreModule],
  providers: [PortalFeedProcessor],
})
export class PortalFeedModule {}
