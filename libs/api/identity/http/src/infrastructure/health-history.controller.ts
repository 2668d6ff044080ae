import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { HealthHistoryQueryDto, HealthHistoryResponse, HealthHistoryService } from '@ppt/api-identity-core';

/** The recorded readiness of every app and dependency, for platform administrators (issue #22, item 5). */
@ApiTags('infrastructure')
@ApiBearerAuth()
@RequirePermission(Permission.PlatformOperate)
@Controller('infrastructure/health')
export class HealthHistoryController {
  constructor(private readonly history: HealthHistoryService) {}

  /** Samples in time order (a page at a time; a range covers at most 7 days) and uptime, p95 latency and outages per dependency. */
  @Get('history')
  @ApiOkResponse({ type: HealthHistoryResponse })
  list(@Query() query: HealthHistoryQueryDto): Promise<HealthHistoryResponse> {
    return this.history.history(query);
  }
}
