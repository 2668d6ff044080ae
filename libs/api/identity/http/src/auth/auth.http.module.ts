import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '@ppt/api-identity-core';
import { AuthController } from './auth.controller';
import { JwksController } from './jwks.controller';

/** Identity's routes; the rules live in IdentityCoreModule. */
@Module({ imports: [IdentityCoreModule], controllers: [AuthController, JwksController] })
export class IdentityHttpModule {}
