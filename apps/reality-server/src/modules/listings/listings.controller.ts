import { Controller, Get, Param, ParseUUIDPipe, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@ppt/observability';
import { PublicCacheInterceptor } from './public-cache.interceptor';
import { PortalListingPageResponse, PortalListingResponse, SearchListingsQueryDto } from './dto/search.dto';
import { PortalListingsService, type SearchPage } from './portal-listings.service';

@ApiTags('listings')
@Public()
@Controller('listings')
@UseInterceptors(PublicCacheInterceptor)
@ApiResponse({
  status: 304,
  description: 'Not modified: the answer matches the `If-None-Match` ETag of an anonymous request',
})
export class ListingsController {
  constructor(private readonly listings: PortalListingsService) {}

  @Get()
  @ApiOkResponse({ type: PortalListingPageResponse, description: 'Published and reserved listings' })
  search(@Query() query: SearchListingsQueryDto): Promise<SearchPage> {
    return this.listings.search(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: PortalListingResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<PortalListingResponse> {
    return this.listings.get(id);
  }

  @Get(':id/similar')
  @ApiOkResponse({
    type: [PortalListingResponse],
    description: 'Up to 6 listings alike in price, size and place',
  })
  similar(@Param('id', ParseUUIDPipe) id: string): Promise<PortalListingResponse[]> {
    return this.listings.similar(id);
  }
}
