import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  CreatePersonDto,
  ListPeopleQueryDto,
  PersonPageResponse,
  PersonResponse,
  UpdatePersonDto,
} from '@ppt/api-property-core';
import { InvitePersonDto, PersonInvitationResponse } from '@ppt/api-property-core';
import { PeopleService } from '@ppt/api-property-core';
import { PersonInvitationsService } from '@ppt/api-property-core';

@ApiTags('people')
@ApiBearerAuth()
@RequirePermission(Permission.PersonManage)
@Controller('people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly invitations: PersonInvitationsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: PersonPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListPeopleQueryDto): Promise<Page<PersonResponse>> {
    return this.people.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: PersonResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<PersonResponse> {
    return this.people.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: PersonResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreatePersonDto,
    @Meta() meta: RequestMeta,
  ): Promise<PersonResponse> {
    return this.people.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: PersonResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePersonDto,
    @Meta() meta: RequestMeta,
  ): Promise<PersonResponse> {
    return this.people.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.people.delete(t, id, meta);
  }

  @Post(':id/invitations')
  @ApiCreatedResponse({
    type: PersonInvitationResponse,
    description:
      'E-mails a link that lets the person connect a user account (role owner or tenant); a new invitation replaces pending ones. 409 PERSON_ALREADY_LINKED, 422 PERSON_EMAIL_MISSING.',
  })
  invite(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InvitePersonDto,
    @Meta() meta: RequestMeta,
  ): Promise<PersonInvitationResponse> {
    return this.invitations.invite(t, id, dto, meta);
  }
}
