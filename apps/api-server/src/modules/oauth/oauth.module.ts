import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/auth.module';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';

@Module({
  imports: [IdentityModule],
  controllers: [OAuthController],
  providers: [OAuthClientsRepository, OAuthService],
})
export class OAuthModule {}
