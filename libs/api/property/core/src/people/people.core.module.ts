import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '@ppt/api-identity-core';
import { MailModule } from '@ppt/api-shared';
import { OrganizationsCoreModule } from '@ppt/api-identity-core';
import { UsersModule } from '@ppt/api-identity-core';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PersonInvitationsService } from './person-invitations.service';

@Module({
  imports: [IdentityCoreModule, MailModule, OrganizationsCoreModule, UsersModule],
  providers: [PeopleRepository, PeopleService, PersonInvitationsService],
  exports: [PeopleService, PersonInvitationsService],
})
export class PeopleCoreModule {}
