import { Module } from '@nestjs/common';
import { OrganizationsCoreModule } from '@ppt/api-identity-core';
import { MyInvitationsController } from './organizations.controller';
import { OrganizationsController } from './organizations.controller';

/** Organizations's routes; the rules live in OrganizationsCoreModule. */
@Module({ imports: [OrganizationsCoreModule], controllers: [OrganizationsController, MyInvitationsController] })
export class OrganizationsHttpModule {}
