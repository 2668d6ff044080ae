import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  ChangeListingStatusDto,
  CreateListingDto,
  InquiryPageResponse,
  InquiryResponse,
  ListingPageResponse,
  ListingResponse,
  ListingStatusHistoryResponse,
  ListListingsQueryDto,
  UpdateListingDto,
} from '@ppt/api-marketing-core';
import { ListingsService } from '@ppt/api-marketing-core';

@ApiTags('listings')
@ApiBearerAuth()
@RequirePermission(Permission.ListingManage)
@Controller('listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Get()
  @ApiOkResponse({ type: ListingPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListListingsQueryDto): Promise<Page<ListingResponse>> {
    return this.listings.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ListingResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ListingResponse> {
    return this.listings.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({
    type: ListingResponse,
    description: 'Created as a draft; from a unit, the address, area, rooms and floor default to the unit’s',
  })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateListingDto,
    @Meta() meta: RequestMeta,
  ): Promise<ListingResponse> {
    return this.listings.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: ListingResponse,
    description:
      'While on the market the portals follow the change (listing.updated). 409 LISTING_CLOSED once sold or rented.',
  })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateListingDto,
    @Meta() meta: RequestMeta,
  ): Promise<ListingResponse> {
    return this.listings.update(t, id, dto, meta);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOkResponse({
    type: ListingResponse,
    description:
      'draft → published ⇄ reserved → sold (sale) | rented (rent); withdrawn and back to published. 409 INVALID_TRANSITION, 422 STATUS_DOES_NOT_FIT_TRANSACTION.',
  })
  changeStatus(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeListingStatusDto,
    @Meta() meta: RequestMeta,
  ): Promise<ListingResponse> {
    return this.listings.changeStatus(t, id, dto, meta);
  }

  @Get(':id/history')
  @ApiOkResponse({ type: ListingStatusHistoryResponse, description: 'Status changes, oldest first' })
  history(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ListingStatusHistoryResponse> {
    return this.listings.history(t, id);
  }

  @Get(':id/inquiries')
  @ApiOkResponse({
    type: InquiryPageResponse,
    description: 'Inquiries from the Reality Portal, newest first',
  })
  inquiries(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<InquiryResponse>> {
    return this.listings.listInquiries(t, id, page);
  }
}
