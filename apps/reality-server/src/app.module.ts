import { Module, type DynamicModule } from '@nestjs/common';
import { PORTAL_ENTITIES } from '@ppt/portal-db';
import { PlatformModule } from '@ppt/platform';
import { FavoritesModule } from './modules/favorites/favorites.module';
import { InquiriesModule } from './modules/inquiries/inquiries.module';
import { InquiryRepliesHttpModule } from './modules/inquiry-replies/inquiry-replies.http.module';
import { ListingsModule } from './modules/listings/listings.module';
import { PortalRealtimeHttpModule } from './modules/realtime/realtime.http.module';
import { SavedSearchAlertsHttpModule } from './modules/saved-search-alerts/saved-search-alerts.module';
import { SavedSearchesModule } from './modules/saved-searches/saved-searches.module';
import type { RealityServerEnv } from './reality-server.env';
import { PortalSsoModule } from './sso/portal-sso.module';

/** The Reality Portal's HTTP process: public search and signed-in visitors (SSO through api-server). */
@Module({})
export class AppModule {
  static register(env: RealityServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          env,
          service: 'reality-server',
          role: 'http',
          entities: PORTAL_ENTITIES,
          confinedToSchema: 'portal',
        }),
        PortalSsoModule.register(env),
        ListingsModule,
        FavoritesModule,
        SavedSearchesModule,
        SavedSearchAlertsHttpModule,
        InquiriesModule,
        PortalRealtimeHttpModule,
        InquiryRepliesHttpModule,
      ],
    };
  }
}
