import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { AuditLogPageResponse, AuditLogResponse, ListAuditLogsQueryDto } from '@ppt/api-shared';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditLogsController {
  constructor(private readonly audit: AuditService) {}

  /** Who changed what, when and from where, in the caller's organisation (org_admin, manager). */
  @Get()
  @RequirePermission(Permission.AuditRead)
  @ApiOkResponse({ type: AuditLogPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListAuditLogsQueryDto): Promise<Page<AuditLogResponse>> {
    return this.audit.list(t, query);
  }
}
