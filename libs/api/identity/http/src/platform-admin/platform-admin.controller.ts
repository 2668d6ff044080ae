import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentUser, Permission, RequirePermission, type UserPrincipal } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { AuditService } from '@ppt/api-shared';
import {
  AuditLogPageResponse,
  ListPlatformAuditLogsQueryDto,
  type AuditLogResponse,
} from '@ppt/api-shared';
import { AuthService } from '@ppt/api-identity-core';

/** Operator actions across organisations (platform administrators only). */
@ApiTags('platform')
@ApiBearerAuth()
@RequirePermission(Permission.PlatformOperate)
@Controller('platform')
export class PlatformAdminController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  /** Security events without an organisation: failed logins, operator sign-ins, Bull Board actions. */
  @Get('audit-logs')
  @ApiOkResponse({ type: AuditLogPageResponse })
  auditLogs(@Query() query: ListPlatformAuditLogsQueryDto): Promise<Page<AuditLogResponse>> {
    return this.audit.listWithoutOrganization(query);
  }

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
