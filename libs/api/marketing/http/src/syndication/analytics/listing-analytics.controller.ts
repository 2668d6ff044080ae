import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { ListingAnalyticsQueryDto, ListingAnalyticsResponse } from '@ppt/api-marketing-core';
import { ListingAnalyticsService } from '@ppt/api-marketing-core';
import { Permission, RequirePermission } from '@ppt/auth';

/** Beside the listings routes, but served by syndication: the numbers come from the portals. */
@ApiTags('listings')
@ApiBearerAuth()
@RequirePermission(Permission.ListingManage)
@Controller('listings')
export class ListingAnalyticsController {
  constructor(private readonly analytics: ListingAnalyticsService) {}

  @Get(':id/analytics')
  @ApiOkResponse({
    type: ListingAnalyticsResponse,
    description:
      'Views, favourites and inquiries the portals reported, per portal per UTC day and in total (default: the last 30 days). ' +
      'Realtors: the listings they are the contact of.',
  })
  get(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListingAnalyticsQueryDto,
  ): Promise<ListingAnalyticsResponse> {
    return this.analytics.analytics(t, id, query);
  }
}
