import { Module } from '@nestjs/common';
import { PasswordDoorsModule } from '../auth/password-doors.module';
import { MailModule } from '@ppt/api-shared';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembershipsService } from './memberships.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [UsersModule, SessionsModule, MailModule, PasswordDoorsModule],
  providers: [
    OrganizationsRepository,
    OrganizationsService,
    MembershipsService,
    InvitationsRepository,
    InvitationsService,
  ],
  exports: [OrganizationsRepository, OrganizationsService, MembershipsService, InvitationsService],
})
export class OrganizationsCoreModule {}
