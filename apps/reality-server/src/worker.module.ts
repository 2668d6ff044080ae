import { Module, type DynamicModule } from '@nestjs/common';
import { SsoModule } from '@ppt/auth';
import { PORTAL_ENTITIES } from '@ppt/portal-db';
import { PlatformModule } from '@ppt/platform';
import {
  JobHandlerCheckModule,
  PortalAlertJob,
  PortalFeedJob,
  PortalInquiryJob,
  QueueName,
} from '@ppt/queue';
import { InquiryDeliveryModule } from './modules/inquiries/inquiries.module';
import { InquiryRepliesJobsModule } from './modules/inquiry-replies/inquiry-replies.core.module';
import { ReadModelSyncJobsModule } from './modules/read-model-sync/read-model-sync.core.module';
import { PortalFeedModule } from './modules/listings/listings.module';
import { PORTAL_FEED_EVENTS } from './modules/listings/portal-feed.processor';
import { SavedSearchAlertsWorkerModule } from './modules/saved-search-alerts/saved-search-alerts.module';
import type { RealityServerEnv } from './reality-server.env';
import { ssoOptionsFrom } from './sso/sso.config';

/**
 * The portal's worker process: keeps the listing read model in step, delivers inquiries to
 * api-server and collects saved-search alerts; serves only health and metrics over HTTP.
 */
@Module({})
export class WorkerModule {
  static register(env: RealityServerEnv): DynamicModule {
    const sso = ssoOptionsFrom(env);
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({
          env,
          service: 'reality-worker',
          role: 'worker',
          entities: PORTAL_ENTITIES,
          confinedToSchema: 'portal',
        }),
        SsoModule.forServiceCalls({ useFactory: () => sso }),
        PortalFeedModule,
        InquiryDeliveryModule,
        SavedSearchAlertsWorkerModule,
        InquiryRepliesJobsModule,
        ReadModelSyncJobsModule,
        JobHandlerCheckModule.forRoot({
          [QueueName.PortalFeed]: [...PORTAL_FEED_EVENTS, ...Object.values(PortalFeedJob)],
          [QueueName.PortalInquiries]: Object.values(PortalInquiryJob),
          [QueueName.PortalAlerts]: Object.values(PortalAlertJob),
        }),
      ],
    };
  }
}
