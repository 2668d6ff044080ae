import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/auth.module';
import { PlatformAdminController } from './platform-admin.controller';

@Module({ imports: [IdentityModule], controllers: [PlatformAdminController] })
export class PlatformAdminModule {}
