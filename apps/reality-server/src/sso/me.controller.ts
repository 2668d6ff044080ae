import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Visitor, type VisitorPrincipal } from '@ppt/auth';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';

export class VisitorResponse implements VisitorPrincipal {
  @ApiProperty({ enum: ['visitor'] })
  kind!: 'visitor';

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The PM organisation the token acts in, if any' })
  organizationId?: string;

  @ApiPropertyOptional({ enum: MEMBERSHIP_ROLES, description: 'The role in that organisation' })
  role?: MembershipRole;
}

@ApiTags('visitor')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  /** The signed-in visitor, as the portal sees a PM account's token. */
  @Get()
  @ApiOkResponse({ type: VisitorResponse })
  @ApiUnauthorizedResponse({
    description: 'No token, or a token that is invalid, expired or whose session ended',
  })
  @ApiServiceUnavailableResponse({
    description: 'SSO_UNAVAILABLE: api-server cannot confirm the session right now',
  })
  me(@Visitor() visitor: VisitorPrincipal): VisitorResponse {
    return visitor;
  }
}
