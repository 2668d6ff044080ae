import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { AcceptedPersonInvitationResponse, AcceptPersonInvitationDto } from '@ppt/api-property-core';
import { PersonInvitationsService } from '@ppt/api-property-core';
import { CurrentUser, Permission, RequirePermission, type UserPrincipal } from '@ppt/auth';
import { ApiRateLimited } from '@ppt/http';

/** A signed-in account may accept (it need not belong to the organisation yet) with the token and a verified, equal e-mail. */
@ApiTags('people')
@ApiBearerAuth()
@RequirePermission(Permission.AccountManage)
@Controller('person-invitations')
export class PersonInvitationsController {
  constructor(private readonly invitations: PersonInvitationsService) {}

  @Post('accept')
  @ApiRateLimited()
  @HttpCode(200)
  @ApiOkResponse({
    type: AcceptedPersonInvitationResponse,
    description:
      'Links your account to the person and makes you a member; then POST /auth/switch-organization. ' +
      '403 EMAIL_NOT_VERIFIED or INVITATION_EMAIL_MISMATCH (your verified e-mail must be the invited one), ' +
      '404 INVITATION_NOT_FOUND, 409 INVITATION_NOT_PENDING (used, replaced or expired).',
  })
  accept(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: AcceptPersonInvitationDto,
    @Meta() meta: RequestMeta,
  ): Promise<AcceptedPersonInvitationResponse> {
    return this.invitations.accept(user, dto.token, meta);
  }
}
