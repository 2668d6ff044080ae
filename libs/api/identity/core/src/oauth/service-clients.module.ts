import { Module } from '@nestjs/common';
import { OAuthClientsModule } from './oauth-clients.module';
import { ServiceClientStatus } from './service-client-status';

/** Service clients and whether they are enabled (the bearer strategy's check of service tokens). */
@Module({
  imports: [OAuthClientsModule],
  providers: [ServiceClientStatus],
  exports: [OAuthClientsModule, ServiceClientStatus],
})
export class ServiceClientsModule {}
