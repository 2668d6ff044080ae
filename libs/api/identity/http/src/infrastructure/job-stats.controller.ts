import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { JobStatsQueryDto, JobStatsResponse } from '@ppt/api-identity-core';
import { JobStatsService } from '@ppt/api-identity-core';

/** Job statistics, for platform administrators (issue #22, item 3). */
@ApiTags('infrastructure')
@ApiBearerAuth()
@RequirePermission(Permission.PlatformOperate)
@Controller('infrastructure/jobs')
export class JobStatsController {
  constructor(private readonly jobs: JobStatsService) {}

  /** Per job type: runs, success rate, p50/p95 duration, retries, dead letters; and live queue counts. */
  @Get('stats')
  @ApiOkResponse({ type: JobStatsResponse })
  stats(@Query() query: JobStatsQueryDto): Promise<JobStatsResponse> {
    return this.jobs.stats(query);
  }
}
