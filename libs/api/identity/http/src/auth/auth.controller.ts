import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Permission, RequirePermission, type UserPrincipal } from '@ppt/auth';
import { Public } from '@ppt/observability';
import { NoStore } from '@ppt/api-shared';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { AuthService } from '@ppt/api-identity-core';
import {
  ChangePasswordDto,
  ForgotPasswordDto,
  LoginDto,
  RefreshDto,
  RegisterDto,
  ResetPasswordDto,
  SwitchOrganizationDto,
  VerifyEmailDto,
} from '@ppt/api-identity-core';
import {
  AccessTokenResponse,
  MeResponse,
  AcceptedResponse,
  SessionResponse,
  TokenPairResponse,
} from '@ppt/api-identity-core';
import { ApiRateLimited } from '@ppt/http';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiRateLimited()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description:
      'The same answer whether or not the address already has an account (no enumeration): a new ' +
      'account gets a confirmation e-mail, an existing one a note that someone tried to register',
  })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED (Retry-After, RateLimit headers)' })
  async register(@Body() dto: RegisterDto, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    await this.auth.register(dto, meta);
    return { status: 'accepted' };
  }

  @Public()
  @Post('login')
  @ApiRateLimited()
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts (Retry-After says when to retry)' })
  login(@Body() dto: LoginDto, @Meta() meta: RequestMeta): Promise<TokenPairResponse> {
    return this.auth.login(dto, meta);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiUnauthorizedResponse({ description: 'The refresh token is unknown, expired, revoked or already used' })
  refresh(@Body() dto: RefreshDto, @Meta() meta: RequestMeta): Promise<TokenPairResponse> {
    return this.auth.refresh(dto.refreshToken, meta);
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@CurrentUser() user: UserPrincipal, @Meta() meta: RequestMeta): Promise<void> {
    return this.auth.logout(user, meta);
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Get('me')
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentUser() user: UserPrincipal): Promise<MeResponse> {
    return this.auth.me(user);
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Get('sessions')
  @ApiOkResponse({ type: [SessionResponse] })
  sessions(@CurrentUser() user: UserPrincipal): Promise<SessionResponse[]> {
    return this.auth.listSessions(user);
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revokeSession(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    if (!(await this.auth.revokeSession(user, id, meta))) throw new NotFoundException('Session not found');
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Post('switch-organization')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: AccessTokenResponse })
  switchOrganization(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: SwitchOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<AccessTokenResponse> {
    return this.auth.switchOrganization(user, dto.organizationId, meta);
  }

  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Post('password/change')
  @ApiRateLimited()
  @HttpCode(204)
  changePassword(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: ChangePasswordDto,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.auth.changePassword(user, dto.currentPassword, dto.newPassword, meta);
  }

  @Public()
  @Post('password/forgot')
  @ApiRateLimited()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description:
      'Accepted, in the same time whether or not the account exists; an e-mail is sent when it does',
  })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED (Retry-After, RateLimit headers)' })
  async forgotPassword(@Body() dto: ForgotPasswordDto, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    await this.auth.forgotPassword(dto.email, meta);
    return { status: 'accepted' };
  }

  @Public()
  @Post('password/reset')
  @ApiRateLimited()
  @HttpCode(204)
  resetPassword(@Body() dto: ResetPasswordDto, @Meta() meta: RequestMeta): Promise<void> {
    return this.auth.resetPassword(dto.token, dto.newPassword, meta);
  }

  /**
   * Signed in to the account the link confirms: whoever opens a link mailed to an address that
   * someone else registered must not make that account (and its holder's password) trusted.
   */
  @ApiBearerAuth()
  @RequirePermission(Permission.AccountManage)
  @Post('email/verify')
  @HttpCode(204)
  verifyEmail(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: VerifyEmailDto,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.auth.verifyEmail(user, dto.token, meta);
  }
}
