import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, SigningKeys } from '@ppt/auth';
import {
  AnnouncementsHttpModule,
  NotificationDeliveryHttpModule,
  RealtimeHttpModule,
  ConversationsHttpModule,
  NotificationsHttpModule,
  VotesHttpModule,
} from '@ppt/api-community-http';
import { DocumentSearchHttpModule, DocumentsHttpModule, UploadsHttpModule } from '@ppt/api-documents-http';
import { FinanceHttpModule } from '@ppt/api-finance-http';
import { IdentityCoreModule, ServiceClientStatus, ServiceClientsModule, SessionStore } from '@ppt/api-identity-core';
import {
  AuditHttpModule,
  InfrastructureHttpModule,
  IdentityHttpModule,
  OAuthHttpModule,
  OrganizationsHttpModule,
  PlatformAdminHttpModule,
  QueueBoardLoginHttpModule,
  QueueBoardModule,
} from '@ppt/api-identity-http';
import { LeadHandlingHttpModule, ListingsHttpModule, SyndicationHttpModule } from '@ppt/api-marketing-http';
import {
  BuildingsHttpModule,
  FaultsHttpModule,
  InspectionsHttpModule,
  LeasesHttpModule,
  MetersHttpModule,
  PeopleHttpModule,
  UnitsHttpModule,
  VendorsHttpModule,
} from '@ppt/api-property-http';
import { AssistantHttpModule } from '@ppt/api-assistant-http';
import { ApiServerEnv } from './api-server.env';
import { commonModules } from './common.modules';

/**
 * The PM API's HTTP process: the common list (platform, storage, env slices, audit) plus each feature's HTTP
 * module, which imports its core. Consumers live in WorkerModule. The order is the routes' order in the
 * OpenAPI document.
 */
@Module({})
export class AppModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...commonModules(env, 'http'),
        AuditHttpModule,
        IdentityHttpModule,
        // Every route needs a valid token unless @Public(); api-server verifies with its own keys.
        AuthModule.forRoot({
          imports: [IdentityCoreModule, ServiceClientsModule],
          inject: [SigningKeys, ApiServerEnv],
          useFactory: (keys: SigningKeys, config: ApiServerEnv) => ({
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            resolveKey: (kid) => keys.verificationKey(kid),
          }),
          sessionValidator: SessionStore,
          clientValidator: ServiceClientStatus,
        }),
        OrganizationsHttpModule,
        OAuthHttpModule,
        PlatformAdminHttpModule,
        QueueBoardLoginHttpModule,
        InfrastructureHttpModule,
        QueueBoardModule,
        BuildingsHttpModule,
        UnitsHttpModule,
        PeopleHttpModule,
        LeasesHttpModule,
        VendorsHttpModule,
        FaultsHttpModule,
        MetersHttpModule,
        InspectionsHttpModule,
        ListingsHttpModule,
        SyndicationHttpModule,
        AnnouncementsHttpModule,
        NotificationsHttpModule,
        ConversationsHttpModule,
        VotesHttpModule,
        FinanceHttpModule,
        DocumentsHttpModule,
        DocumentSearchHttpModule,
        UploadsHttpModule,
        AssistantHttpModule,
        RealtimeHttpModule,
        NotificationDeliveryHttpModule,
        LeadHandlingHttpModule,
      ],
    };
  }
}
