import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '@ppt/api-identity-core';
import { PlatformAdminController } from './platform-admin.controller';

/** Platform administration routes; the rules live in identity's core (IdentityCoreModule). */
@Module({ imports: [IdentityCoreModule], controllers: [PlatformAdminController] })
export class PlatformAdminHttpModule {}
