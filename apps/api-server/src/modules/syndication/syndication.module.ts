import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { LeadsModule } from '../leads/leads.module';
import { PortalAdapters } from './adapters/portal-adapters';
import { OpenImmoReports } from './openimmo-reports';
import { PortalHttp } from './adapters/portal-http';
import { RealityPortalAdapter } from './adapters/reality-portal.adapter';
import { RealityPortalRebuild } from './reality-portal-rebuild';
import { ListingAnalyticsController } from './analytics/listing-analytics.controller';
import { ListingAnalyticsService } from './analytics/listing-analytics.service';
import { PortalStatsRepository } from './portal-stats.repository';
import { PortalSyncHolds } from './portal-sync-holds';
import { PortalTargetsRepository } from './portal-targets.repository';
import { PortalTargetsService } from './portal-targets.service';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationListings } from './syndication-listings';
import { SyndicationReconcileProcessor } from './syndication-reconcile.processor';
import { SyndicationReconciliation } from './syndication-reconciliation';
import { ListingPortalsController, SyndicationController } from './syndication.controller';
import { SyndicationProcessor } from './syndication.processor';
import { SyndicationRepository } from './syndication.repository';
import { SyndicationService } from './syndication.service';
import { PortalWebhooksController } from './webhooks/portal-webhooks.controller';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { PortalWebhooksRepository } from './webhooks/portal-webhooks.repository';
import { PortalWebhooksService } from './webhooks/portal-webhooks.service';
import { WebhookReceiptExpiry } from './webhooks/webhook-receipt-expiry';
import { WebhookReceiptExpiryProcessor } from './webhooks/webhook-receipt-expiry.processor';

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
  imports: [EventsModule, LeadsModule],
  controllers: [
    SyndicationController,
    PortalWebhooksController,
    ListingAnalyticsController,
    ListingPortalsController,
  ],
  providers: [...PROVIDERS, PortalWebhooksService, ListingAnalyticsService],
  exports: [SyndicationService],
})
export class SyndicationModule {}

/** The worker side: listing events become portal jobs, portal jobs run, old webhook receipts go. */
@Module({
  imports: [EventsModule, LeadsModule],
  providers: [
    ...PROVIDERS,
    // Workers serve no API: the notification writer without its HTTP module (as finance's worker does).
    NotificationsRepository,
    NotificationsService,
    SyndicationProcessor,
    PortalSyncHolds,
    SyndicationReconciliation,
    SyndicationReconcileProcessor,
    RealityPortalRebuild,
    OpenImmoReports,
    WebhookReceiptExpiry,
    WebhookReceiptExpiryProcessor,
  ],
})
export class SyndicationWorkerModule {}
