import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, SigningKeys } from '@ppt/auth';
import { PlatformModule } from '@ppt/platform';
import { StorageModule } from '@ppt/storage';
import { ApiServerEnv } from './api-server.env';
import { AnnouncementsModule } from './modules/announcements/announcements.module';
import { AuditModule } from './modules/audit/audit.module';
import { IdentityModule } from './modules/auth/auth.module';
import { BuildingsModule } from './modules/buildings/buildings.module';
import { ConversationsModule } from './modules/conversations/conversations.module';
import { DocumentsModule } from './modules/documents/documents.module';
import { storageSettingsOf } from './modules/documents/documents.env';
import { FaultsModule } from './modules/faults/faults.module';
import { FinanceModule } from './modules/finance/finance.module';
import { InspectionsModule } from './modules/inspections/inspections.module';
import { LeasesModule } from './modules/leases/leases.module';
import { LeadHandlingHttpModule } from './modules/lead-handling/lead-handling.http.module';
import { ListingsModule } from './modules/listings/listings.module';
import { MetersModule } from './modules/meters/meters.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { OAuthModule } from './modules/oauth/oauth.module';
import { ServiceClientStatus } from './modules/oauth/service-client-status';
import { ServiceClientsModule } from './modules/oauth/service-clients.module';
import { OrganizationsModule } from './modules/organizations/organizations.module';
import { PeopleModule } from './modules/people/people.module';
import { PlatformAdminModule } from './modules/platform-admin/platform-admin.module';
import { QueueBoardModule } from './modules/queue-board/queue-board.module';
import { SessionStore } from './modules/sessions/session-store';
import { UnitsModule } from './modules/units/units.module';
import { UploadsModule } from './modules/uploads/uploads.module';
import { VendorsModule } from './modules/vendors/vendors.module';
import { SyndicationModule } from './modules/syndication/syndication.module';
import { VotesModule } from './modules/votes/votes.module';

/** The PM API's HTTP process: controllers and queue producers; consumers live in WorkerModule. */
@Module({})
export class AppModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ env, service: 'api-server', role: 'http', confinedToSchema: 'public' }),
        StorageModule.forRoot(storageSettingsOf(env)),
        AuditModule,
        IdentityModule,
        // Every route needs a valid token unless @Public(); api-server verifies with its own keys.
        AuthModule.forRoot({
          imports: [IdentityModule, ServiceClientsModule],
          inject: [SigningKeys, ApiServerEnv],
          useFactory: (keys: SigningKeys, config: ApiServerEnv) => ({
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            resolveKey: (kid) => keys.verificationKey(kid),
          }),
          sessionValidator: SessionStore,
          clientValidator: ServiceClientStatus,
        }),
        OrganizationsModule,
        OAuthModule,
        PlatformAdminModule,
        QueueBoardModule,
        BuildingsModule,
        UnitsModule,
        PeopleModule,
        LeasesModule,
        VendorsModule,
        FaultsModule,
        MetersModule,
        InspectionsModule,
        ListingsModule,
        LeadHandlingHttpModule,
        SyndicationModule,
        AnnouncementsModule,
        NotificationsModule,
        ConversationsModule,
        VotesModule,
        FinanceModule,
        DocumentsModule,
        UploadsModule,
      ],
    };
  }
}
