import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../auth/auth.core.module';
import { OAuthService } from './oauth.service';
import { ServiceClientsModule } from './service-clients.module';

@Module({
  imports: [IdentityCoreModule, ServiceClientsModule],
  providers: [OAuthService],
  exports: [OAuthService],
})
export class OAuthCoreModule {}
