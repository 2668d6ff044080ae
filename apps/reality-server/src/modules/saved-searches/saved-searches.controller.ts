import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Visitor, type VisitorPrincipal } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { PortalListingPageResponse, type PortalListingResponse } from '../listings/dto/search.dto';
import { CreateSavedSearchDto, SavedSearchPageResponse, SavedSearchResponse } from './dto/saved-search.dto';
import { SavedSearchesService } from './saved-searches.service';

@ApiTags('saved-searches')
@ApiBearerAuth()
@Controller('saved-searches')
export class SavedSearchesController {
  constructor(private readonly searches: SavedSearchesService) {}

  @Get()
  @ApiOkResponse({ type: SavedSearchPageResponse })
  list(
    @Visitor() visitor: VisitorPrincipal,
    @Query() page: PageQueryDto,
  ): Promise<Page<SavedSearchResponse>> {
    return this.searches.list(visitor.userId, page);
  }

  @Post()
  @ApiCreatedResponse({ type: SavedSearchResponse, description: 'The filters are those of GET /listings' })
  create(
    @Visitor() visitor: VisitorPrincipal,
    @Body() dto: CreateSavedSearchDto,
  ): Promise<SavedSearchResponse> {
    return this.searches.create(visitor.userId, dto);
  }

  @Get(':id/listings')
  @ApiOkResponse({ type: PortalListingPageResponse, description: 'Runs the saved search now' })
  run(
    @Visitor() visitor: VisitorPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<PortalListingResponse>> {
    return this.searches.run(visitor.userId, id, page);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@Visitor() visitor: VisitorPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.searches.delete(visitor.userId, id);
  }
}
