import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PersonInvitationsController } from './person-invitations.controller';
import { PersonInvitationsService } from './person-invitations.service';

@Module({
  imports: [IdentityModule, MailModule, OrganizationsModule, UsersModule],
  controllers: [PeopleController, PersonInvitationsController],
  providers: [PeopleRepository, PeopleService, PersonInvitationsService],
  exports: [PeopleRepository],
})
export class PeopleModule {}
