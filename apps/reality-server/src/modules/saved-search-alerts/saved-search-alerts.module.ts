import { Module } from '@nestjs/common';
import { PortalListingsCoreModule } from '../listings/listings.module';
import { CollectSavedSearchAlertsProcessor } from './jobs/collect-saved-search-alerts.processor';
import { SavedSearchAlertsController } from './saved-search-alerts.controller';
import { SavedSearchAlertsRepository } from './saved-search-alerts.repository';
import { SavedSearchAlertsService } from './saved-search-alerts.service';

/**
 * Saved-search alerts: the core (service, repository; exports the service). The listing search
 * comes from PortalListingsCoreModule (not ListingsModule, whose controller must not come along
 * into the worker).
 */
@Module({
  imports: [PortalListingsCoreModule],
  providers: [SavedSearchAlertsRepository, SavedSearchAlertsService],
  exports: [SavedSearchAlertsService],
})
export class SavedSearchAlertsCoreModule {}

/** HTTP: the alert choice and the one-click unsubscribe. */
@Module({ imports: [SavedSearchAlertsCoreModule], controllers: [SavedSearchAlertsController] })
export class SavedSearchAlertsHttpModule {}

/** Worker: the scheduled collection. */
@Module({ imports: [SavedSearchAlertsCoreModule], providers: [CollectSavedSearchAlertsProcessor] })
export class SavedSearchAlertsWorkerModule {}
