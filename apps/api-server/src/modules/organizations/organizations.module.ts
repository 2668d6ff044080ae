import { Module } from '@nestjs/common';
import { PasswordDoorsModule } from '../auth/password-doors.module';
import { MailModule } from '../mail/mail.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MyInvitationsController, OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [UsersModule, SessionsModule, MailModule, PasswordDoorsModule],
  controllers: [OrganizationsController, MyInvitationsController],
  providers: [OrganizationsRepository, OrganizationsService, InvitationsRepository, InvitationsService],
  exports: [OrganizationsRepository],
})
export class OrganizationsModule {}
