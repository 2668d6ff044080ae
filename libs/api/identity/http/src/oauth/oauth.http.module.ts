import { Module } from '@nestjs/common';
import { OAuthCoreModule } from '@ppt/api-identity-core';
import { AuthorizationServerMetadataController } from './oauth.controller';
import { OAuthController } from './oauth.controller';

/** OAuth's routes; the rules live in OAuthCoreModule. */
@Module({ imports: [OAuthCoreModule], controllers: [OAuthController, AuthorizationServerMetadataController] })
export class OAuthHttpModule {}
