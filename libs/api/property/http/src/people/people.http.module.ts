import { Module } from '@nestjs/common';
import { PeopleCoreModule } from '@ppt/api-property-core';
import { PeopleController } from './people.controller';
import { PersonInvitationsController } from './person-invitations.controller';

/** People's routes; the rules live in PeopleCoreModule. */
@Module({ imports: [PeopleCoreModule], controllers: [PeopleController, PersonInvitationsController] })
export class PeopleHttpModule {}
