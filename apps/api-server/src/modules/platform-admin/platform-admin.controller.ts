import { Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, PlatformAdminOnly, type UserPrincipal } from '@ppt/auth';
import { Meta, type RequestMeta } from '../../common/request-meta';
import { AuthService } from '../auth/auth.service';

/** Operator actions across organisations (platform administrators only). */
@ApiTags('platform')
@ApiBearerAuth()
@PlatformAdminOnly()
@Controller('platform')
export class PlatformAdminController {
  constructor(private readonly auth: AuthService) {}

  /** Disables an account and ends all of its sessions at once. */
  @Post('users/:id/disable')
  @HttpCode(204)
  @ApiNoContentResponse()
  async disableUser(
    @CurrentUser() admin: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    if (!(await this.auth.disableUser(admin, id, meta))) throw new NotFoundException('User not found');
  }
}
