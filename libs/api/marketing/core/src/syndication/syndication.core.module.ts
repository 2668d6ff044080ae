import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { LeadsModule } from '../leads/leads.module';
import { PortalAdapters } from './adapters/portal-adapters';
import { OpenImmoReports } from './openimmo-reports';
import { PortalHttp } from './adapters/portal-http';
import { RealityPortalAdapter } from './adapters/reality-portal.adapter';
import { RealityPortalRebuild } from './reality-portal-rebuild';
import { RealityPortalRebuildProcessor } from './reality-portal-rebuild.processor';
import { ListingAnalyticsService } from './analytics/listing-analytics.service';
import { PortalStatsRepository } from './portal-stats.repository';
import { PortalSyncHolds } from './portal-sync-holds';
import { PortalTargetsRepository } from './portal-targets.repository';
import { PortalTargetsService } from './portal-targets.service';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationListings } from './syndication-listings';
import { SyndicationReconciliation } from './syndication-reconciliation';
import { SyndicationProcessor } from './syndication.processor';
import { SyndicationRepository } from './syndication.repository';
import { SyndicationService } from './syndication.service';
import { NotificationsCoreModule } from '@ppt/api-community-core';
import { PortalWebhooksRepository } from './webhooks/portal-webhooks.repository';
import { PortalWebhooksService } from './webhooks/portal-webhooks.service';
import { WebhookReceiptExpiry } from './webhooks/webhook-receipt-expiry';

const PROVIDERS = [
  PortalAdapters,
  PortalHttp,
  PortalStatsRepository,
  RealityPortalAdapter,
  PortalTargetsRepository,
  PortalTargetsService,
  PortalWebhooksRepository,
  SyndicationJobs,
  SyndicationListings,
  SyndicationRepository,
  SyndicationService,
];

/**
 * Portals per organisation, where each listing stands on each, the pre-flight check listings use,
 * the portals' webhooks and the per-listing analytics they feed.
 */
@Module({
  imports: [EventsModule, LeadsModule, NotificationsCoreModule],
  providers: [
    ...PROVIDERS,
    PortalWebhooksService,
    ListingAnalyticsService,
    PortalSyncHolds,
    SyndicationReconciliation,
    RealityPortalRebuild,
    OpenImmoReports,
    WebhookReceiptExpiry,
  ],
  exports: [
    SyndicationService,
    PortalWebhooksService,
    ListingAnalyticsService,
    // The worker's consumers (SyndicationWorkerModule, same context) and the tests drive these handlers.
    SyndicationJobs,
    SyndicationListings,
    SyndicationRepository,
    PortalTargetsService,
    PortalAdapters,
    PortalSyncHolds,
    SyndicationReconciliation,
    RealityPortalRebuild,
    OpenImmoReports,
    WebhookReceiptExpiry,
  ],
})
export class SyndicationCoreModule {}

/**
 * The worker side: listing events become portal jobs, portal jobs run; the nightly reconciliation, the
 * portal reports and the webhook receipt expiry are @Scheduled methods of SyndicationCoreModule's providers.
 */
@Module({
  imports: [SyndicationCoreModule, NotificationsCoreModule],
  providers: [SyndicationProcessor, RealityPortalRebuildProcessor],
})
export class SyndicationWorkerModule {}
