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
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Permission, RequirePermission, type UserPrincipal } from '@ppt/auth';
import { ApiRateLimited, type Page, PageQueryDto } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import {
  AcceptInvitationDto,
  AcceptedInvitationResponse,
  InvitationPageResponse,
  InvitationResponse,
  InviteMemberDto,
  ReceivedInvitationResponse,
} from '@ppt/api-identity-core';
import {
  CreateOrganizationDto,
  MemberPageResponse,
  MemberResponse,
  OrganizationResponse,
  UpdateMemberDto,
  UpdateOrganizationDto,
} from '@ppt/api-identity-core';
import { InvitationsService } from '@ppt/api-identity-core';
import { OrganizationsService } from '@ppt/api-identity-core';

@ApiTags('organizations')
@ApiBearerAuth()
@RequirePermission(Permission.OrganizationUse)
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly invitations: InvitationsService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: OrganizationResponse, description: 'The creator becomes org_admin' })
  @ApiForbiddenResponse({ description: 'EMAIL_NOT_VERIFIED' })
  create(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: CreateOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    return this.organizations.create(user, dto, meta);
  }

  @Get()
  @ApiOkResponse({ type: [OrganizationResponse], description: "The caller's organisations" })
  list(@CurrentUser() user: UserPrincipal): Promise<OrganizationResponse[]> {
    return this.organizations.list(user);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  get(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrganizationResponse> {
    return this.organizations.get(user, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  update(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    return this.organizations.update(user, id, dto, meta);
  }

  @Get(':id/members')
  @ApiOkResponse({ type: MemberPageResponse })
  members(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<MemberResponse>> {
    return this.organizations.listMembers(user, id, page);
  }

  @Patch(':id/members/:memberId')
  @ApiOkResponse({ type: MemberResponse })
  changeRole(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Body() dto: UpdateMemberDto,
    @Meta() meta: RequestMeta,
  ): Promise<MemberResponse> {
    return this.organizations.changeRole(user, id, memberId, dto.role, meta);
  }

  @Delete(':id/members/:memberId')
  @HttpCode(204)
  @ApiNoContentResponse()
  removeMember(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.organizations.removeMember(user, id, memberId, meta);
  }

  @Delete(':id/membership')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'You leave the organisation; your sessions acting in it end. 409 LAST_ORG_ADMIN.',
  })
  leave(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.organizations.leave(user, id, meta);
  }

  @Post(':id/invitations')
  @ApiCreatedResponse({
    type: InvitationResponse,
    description:
      'Mails a single-use link (7 days); replaces an open invitation for the address. 409 ALREADY_MEMBER.',
  })
  invite(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InviteMemberDto,
    @Meta() meta: RequestMeta,
  ): Promise<InvitationResponse> {
    return this.invitations.invite(user, id, dto, meta);
  }

  @Get(':id/invitations')
  @ApiOkResponse({ type: InvitationPageResponse, description: 'Open invitations (pending or expired)' })
  listInvitations(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<InvitationResponse>> {
    return this.invitations.list(user, id, page);
  }

  @Delete(':id/invitations/:invitationId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; its link stops working. 404 INVITATION_NOT_FOUND.' })
  revokeInvitation(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.invitations.revoke(user, id, invitationId, meta);
  }
}

/** The invitee's side: invitations sent to the signed-in account's verified address. */
@ApiTags('invitations')
@ApiBearerAuth()
@RequirePermission(Permission.AccountManage)
@Controller('me/invitations')
export class MyInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @ApiOkResponse({ type: [ReceivedInvitationResponse], description: '403 EMAIL_NOT_VERIFIED' })
  list(@CurrentUser() user: UserPrincipal): Promise<ReceivedInvitationResponse[]> {
    return this.invitations.received(user);
  }

  @Post('accept')
  @ApiRateLimited()
  @HttpCode(200)
  @ApiOkResponse({
    type: AcceptedInvitationResponse,
    description:
      'Makes you a member; then POST /auth/switch-organization. 403 EMAIL_NOT_VERIFIED or ' +
      'INVITATION_EMAIL_MISMATCH (the invitation stays usable), 404 INVITATION_NOT_FOUND, ' +
      '410 INVITATION_EXPIRED / INVITATION_REVOKED, 409 INVITATION_ALREADY_ACCEPTED / INVITATION_DECLINED / ALREADY_MEMBER.',
  })
  accept(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: AcceptInvitationDto,
    @Meta() meta: RequestMeta,
  ): Promise<AcceptedInvitationResponse> {
    return this.invitations.accept(user, dto.token, meta);
  }

  @Post(':id/decline')
  @HttpCode(204)
  @ApiNoContentResponse()
  decline(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.invitations.decline(user, id, meta);
  }
}
