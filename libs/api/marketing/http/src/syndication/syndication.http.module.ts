import { Module } from '@nestjs/common';
import { SyndicationCoreModule } from '@ppt/api-marketing-core';
import { ListingAnalyticsController } from './analytics/listing-analytics.controller';
import { ListingPortalsController } from './syndication.controller';
import { SyndicationController } from './syndication.controller';
import { PortalWebhooksController } from './webhooks/portal-webhooks.controller';

/** Syndication's routes; the rules live in SyndicationCoreModule. */
@Module({ imports: [SyndicationCoreModule], controllers: [SyndicationController, PortalWebhooksController, ListingAnalyticsController, ListingPortalsController] })
export class SyndicationHttpModule {}
