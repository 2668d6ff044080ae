import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  AddendumPageResponse,
  AddendumResponse,
  CreateAddendumDto,
  CreateLeaseDto,
  LeasePageResponse,
  LeaseResponse,
  ListLeasesQueryDto,
  TerminateLeaseDto,
  UpdateLeaseDto,
} from '@ppt/api-property-core';
import { LeasesService } from '@ppt/api-property-core';

@ApiTags('leases')
@ApiBearerAuth()
@RequirePermission(Permission.LeaseManage)
@Controller('leases')
export class LeasesController {
  constructor(private readonly leases: LeasesService) {}

  @Get()
  @RequirePermission(Permission.LeaseRead)
  @ApiOkResponse({
    type: LeasePageResponse,
    description:
      '`expiringWithinDays=90|60|30` lists the leases ending soon (active, and terminated ones until they end). Owners and tenants see the leases they signed and those of units they own.',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListLeasesQueryDto): Promise<Page<LeaseResponse>> {
    return this.leases.list(t, query);
  }

  @Get(':id')
  @RequirePermission(Permission.LeaseRead)
  @ApiOkResponse({ type: LeaseResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<LeaseResponse> {
    return this.leases.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: LeaseResponse, description: 'Created as a draft' })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateLeaseDto,
    @Meta() meta: RequestMeta,
  ): Promise<LeaseResponse> {
    return this.leases.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: LeaseResponse, description: 'Drafts only (409 LEASE_NOT_DRAFT otherwise)' })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateLeaseDto,
    @Meta() meta: RequestMeta,
  ): Promise<LeaseResponse> {
    return this.leases.update(t, id, dto, meta);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOkResponse({
    type: LeaseResponse,
    description:
      '409 LEASE_OVERLAP when another lease holds the unit on some of its days (an active one, or a terminated one until its end)',
  })
  activate(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<LeaseResponse> {
    return this.leases.activate(t, id, meta);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @ApiOkResponse({
    type: LeaseResponse,
    description:
      'The lease holds the unit until `endDate`; 422 INVALID_DATES before its start or after its current end',
  })
  terminate(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TerminateLeaseDto,
    @Meta() meta: RequestMeta,
  ): Promise<LeaseResponse> {
    return this.leases.terminate(t, id, dto.endDate, meta);
  }

  @Get(':id/addenda')
  @RequirePermission(Permission.LeaseRead)
  @ApiOkResponse({ type: AddendumPageResponse, description: 'Oldest first' })
  listAddenda(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<AddendumResponse>> {
    return this.leases.listAddenda(t, id, page);
  }

  @Post(':id/addenda')
  @ApiCreatedResponse({
    type: AddendumResponse,
    description:
      'Changes the terms of an active lease (409 LEASE_NOT_ACTIVE otherwise; 409 LEASE_OVERLAP when a new end date collides with another active lease)',
  })
  addAddendum(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateAddendumDto,
    @Meta() meta: RequestMeta,
  ): Promise<AddendumResponse> {
    return this.leases.addAddendum(t, id, dto, meta);
  }
}
