import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type UserPrincipal } from '@ppt/auth';
import { Meta, type RequestMeta } from '../../common/request-meta';
import { AcceptedPersonInvitationResponse, AcceptPersonInvitationDto } from './dto/person-invitation.dto';
import { PersonInvitationsService } from './person-invitations.service';

/** Any signed-in account may accept (it need not belong to the organisation yet): the token decides. */
@ApiTags('people')
@ApiBearerAuth()
@Controller('person-invitations')
export class PersonInvitationsController {
  constructor(private readonly invitations: PersonInvitationsService) {}

  @Post('accept')
  @HttpCode(200)
  @ApiOkResponse({
    type: AcceptedPersonInvitationResponse,
    description:
      'Links your account to the person and makes you a member; then POST /auth/switch-organization. 404 INVITATION_NOT_FOUND, 409 INVITATION_NOT_PENDING (used, replaced or expired).',
  })
  accept(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: AcceptPersonInvitationDto,
    @Meta() meta: RequestMeta,
  ): Promise<AcceptedPersonInvitationResponse> {
    return this.invitations.accept(user, dto.token, meta);
  }
}
