import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/auth.module';
import { AuthorizationServerMetadataController, OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { ServiceClientsModule } from './service-clients.module';

@Module({
  imports: [IdentityModule, ServiceClientsModule],
  controllers: [OAuthController, AuthorizationServerMetadataController],
  providers: [OAuthService],
})
export class OAuthModule {}
