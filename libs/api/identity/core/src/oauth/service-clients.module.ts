import { Module } from '@nestjs/common';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { ServiceClientStatus } from './service-client-status';

/** Service clients and whether they are enabled (the bearer strategy's check of service tokens). */
@Module({
  providers: [OAuthClientsRepository, ServiceClientStatus],
  exports: [OAuthClientsRepository, ServiceClientStatus],
})
export class ServiceClientsModule {}
