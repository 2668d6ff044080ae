import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { TraceIdParam, TracePageResponse, TraceResponse, TraceSearchQueryDto } from '@ppt/api-identity-core';
import { TracesService } from '@ppt/api-identity-core';

/** The trace store, for platform administrators (issue #22, item 2). */
@ApiTags('infrastructure')
@ApiBearerAuth()
@RequirePermission(Permission.PlatformOperate)
@Controller('infrastructure/traces')
export class TracesController {
  constructor(private readonly traces: TracesService) {}

  /** Traces with a span matching every filter, newest first (a range covers at most 7 days). */
  @Get()
  @ApiOkResponse({ type: TracePageResponse })
  search(@Query() query: TraceSearchQueryDto): Promise<TracePageResponse> {
    return this.traces.search(query);
  }

  /** One trace as a span tree with timings. */
  @Get(':traceId')
  @ApiOkResponse({ type: TraceResponse })
  get(@Param() params: TraceIdParam): Promise<TraceResponse> {
    return this.traces.trace(params.traceId);
  }
}
