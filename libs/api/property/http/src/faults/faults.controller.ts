import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  ChangeFaultStatusDto,
  CreateFaultCommentDto,
  CreateFaultDto,
  FaultCommentPageResponse,
  FaultCommentResponse,
  FaultPageResponse,
  FaultResponse,
  ListFaultsQueryDto,
  UpdateFaultDto,
} from '@ppt/api-property-core';
import { FaultsService } from '@ppt/api-property-core';

@ApiTags('faults')
@ApiBearerAuth()
@RequirePermission(Permission.FaultReport)
@Controller('faults')
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Get()
  @ApiOkResponse({ type: FaultPageResponse, description: 'Residents see the faults they reported' })
  list(@CurrentTenant() t: Tenant, @Query() query: ListFaultsQueryDto): Promise<Page<FaultResponse>> {
    return this.faults.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: FaultResponse, description: 'With its status history' })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<FaultResponse> {
    return this.faults.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({
    type: FaultResponse,
    description:
      'Residents report only in a unit they own or live in, or in the common areas (no unit) of its building; elsewhere 404 UNIT_NOT_FOUND / BUILDING_NOT_FOUND',
  })
  report(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateFaultDto,
    @Meta() meta: RequestMeta,
  ): Promise<FaultResponse> {
    return this.faults.report(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: FaultResponse,
    description: 'Staff: details, priority (due date follows), assignee, vendor',
  })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateFaultDto,
    @Meta() meta: RequestMeta,
  ): Promise<FaultResponse> {
    return this.faults.update(t, id, dto, meta);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOkResponse({
    type: FaultResponse,
    description:
      '409 INVALID_TRANSITION outside new → triaged → in_progress → resolved → closed (rejected; reopen from resolved)',
  })
  changeStatus(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeFaultStatusDto,
    @Meta() meta: RequestMeta,
  ): Promise<FaultResponse> {
    return this.faults.changeStatus(t, id, dto.status, dto.note, meta);
  }

  @Get(':id/comments')
  @ApiOkResponse({ type: FaultCommentPageResponse })
  comments(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<FaultCommentResponse>> {
    return this.faults.comments(t, id, page);
  }

  @Post(':id/comments')
  @ApiCreatedResponse({ type: FaultCommentResponse, description: 'Audited as fault.commented' })
  comment(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateFaultCommentDto,
    @Meta() meta: RequestMeta,
  ): Promise<FaultCommentResponse> {
    return this.faults.comment(t, id, dto.body, meta);
  }
}
