import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { SyndicationPortal } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  ListingPortalsChangeResponse,
  ListingPortalsResponse,
  PortalTargetListResponse,
  PutListingPortalsDto,
  PortalTargetResponse,
  PreflightQueryDto,
  PreflightResponse,
  PutPortalTargetDto,
  RetrySyndicationDto,
  SyndicationActionResponse,
  SyndicationPageResponse,
  SyndicationResponse,
  SyndicationStatusQueryDto,
  WithdrawSyndicationDto,
} from '@ppt/api-marketing-core';
import { ApiPortalParam, portalParam } from '@ppt/api-marketing-core';
import { PortalTargetsService } from '@ppt/api-marketing-core';
import { SyndicationService } from '@ppt/api-marketing-core';

@ApiTags('syndication')
@ApiBearerAuth()
@Controller('syndication')
export class SyndicationController {
  constructor(
    private readonly targets: PortalTargetsService,
    private readonly syndication: SyndicationService,
  ) {}

  @Get('portals')
  @RequirePermission(Permission.SyndicationRead)
  @ApiOkResponse({
    type: PortalTargetListResponse,
    description: 'Every portal, configured or not; credentials never shown',
  })
  listPortals(@CurrentTenant() t: Tenant): Promise<{ items: PortalTargetResponse[] }> {
    return this.targets.list(t);
  }

  @Put('portals/:portal')
  @ApiPortalParam()
  @RequirePermission(Permission.SyndicationManage)
  @ApiOkResponse({
    type: PortalTargetResponse,
    description:
      'Turns a portal on or off and sets its credentials (sealed, write-only) and options. 422 lists each invalid field.',
  })
  putPortal(
    @CurrentTenant() t: Tenant,
    @Param('portal', portalParam) portal: SyndicationPortal,
    @Body() dto: PutPortalTargetDto,
  ): Promise<PortalTargetResponse> {
    return this.targets.put(t, portal, dto);
  }

  @Delete('portals/:portal')
  @ApiPortalParam()
  @RequirePermission(Permission.SyndicationManage)
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Forgets the portal and its credentials. 409 while listings are still on it.',
  })
  deletePortal(
    @CurrentTenant() t: Tenant,
    @Param('portal', portalParam) portal: SyndicationPortal,
  ): Promise<void> {
    return this.targets.remove(t, portal);
  }

  @Get('status')
  @RequirePermission(Permission.SyndicationRead)
  @ApiOkResponse({
    type: SyndicationPageResponse,
    description: 'Per listing and portal, with errors and history',
  })
  status(
    @CurrentTenant() t: Tenant,
    @Query() query: SyndicationStatusQueryDto,
  ): Promise<Page<SyndicationResponse>> {
    return this.syndication.status(t, query);
  }

  @Get('preflight')
  @RequirePermission(Permission.SyndicationRead)
  @ApiOkResponse({
    type: PreflightResponse,
    description: 'What each enabled portal would refuse in the listing, before publishing',
  })
  preflight(@CurrentTenant() t: Tenant, @Query() query: PreflightQueryDto): Promise<PreflightResponse> {
    return this.syndication.checkListing(t, query.listingId);
  }

  @Post('retry')
  @RequirePermission(Permission.SyndicationManage)
  @HttpCode(200)
  @ApiOkResponse({
    type: SyndicationActionResponse,
    description: 'Failed portals start over (409 when nothing failed)',
  })
  retry(@CurrentTenant() t: Tenant, @Body() dto: RetrySyndicationDto): Promise<SyndicationActionResponse> {
    return this.syndication.retry(t, dto);
  }

  @Post('withdraw')
  @RequirePermission(Permission.SyndicationManage)
  @HttpCode(200)
  @ApiOkResponse({
    type: SyndicationActionResponse,
    description: 'Takes the listing off the named portals (default all); it stays off until published again',
  })
  withdraw(
    @CurrentTenant() t: Tenant,
    @Body() dto: WithdrawSyndicationDto,
  ): Promise<SyndicationActionResponse> {
    return this.syndication.withdraw(t, dto);
  }
}

/** A listing's portals: beside the listings routes, served by syndication (it owns the choice's effects). */
@ApiTags('listings')
@ApiBearerAuth()
@Controller('listings')
export class ListingPortalsController {
  constructor(private readonly syndication: SyndicationService) {}

  @Get(':id/portals')
  @RequirePermission(Permission.SyndicationRead)
  @ApiOkResponse({ type: ListingPortalsResponse, description: 'Which enabled portals the listing goes to' })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ListingPortalsResponse> {
    return this.syndication.portals(t, id);
  }

  @Put(':id/portals')
  @RequirePermission(Permission.SyndicationManage)
  @ApiOkResponse({
    type: ListingPortalsChangeResponse,
    description:
      'Chooses the portals (null: the default) and the per-portal overrides. 422 PORTAL_NOT_ENABLED, INVALID_PORTAL_OVERRIDES, or PORTAL_RULES_NOT_MET per portal for a listing on the market (nothing saved). A portal removed gets a withdrawal there only.',
  })
  put(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PutListingPortalsDto,
  ): Promise<ListingPortalsChangeResponse> {
    return this.syndication.setPortals(t, id, dto);
  }
}
