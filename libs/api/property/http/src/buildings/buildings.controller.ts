import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { BuildingsService } from '@ppt/api-property-core';
import {
  BuildingPageResponse,
  BuildingResponse,
  CreateBuildingDto,
  ListBuildingsQueryDto,
  UpdateBuildingDto,
} from '@ppt/api-property-core';

@ApiTags('buildings')
@ApiBearerAuth()
@Controller('buildings')
export class BuildingsController {
  constructor(private readonly buildings: BuildingsService) {}

  @Get()
  @RequirePermission(Permission.BuildingRead)
  @ApiOkResponse({ type: BuildingPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListBuildingsQueryDto): Promise<Page<BuildingResponse>> {
    return this.buildings.list(t, query);
  }

  @Get(':id')
  @RequirePermission(Permission.BuildingRead)
  @ApiOkResponse({ type: BuildingResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<BuildingResponse> {
    return this.buildings.get(t, id);
  }

  @Post()
  @RequirePermission(Permission.BuildingManage)
  @ApiCreatedResponse({ type: BuildingResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateBuildingDto,
    @Meta() meta: RequestMeta,
  ): Promise<BuildingResponse> {
    return this.buildings.create(t, dto, meta);
  }

  @Patch(':id')
  @RequirePermission(Permission.BuildingManage)
  @ApiOkResponse({ type: BuildingResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateBuildingDto,
    @Meta() meta: RequestMeta,
  ): Promise<BuildingResponse> {
    return this.buildings.update(t, id, dto, meta);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @RequirePermission(Permission.BuildingManage)
  @ApiOkResponse({ type: BuildingResponse })
  archive(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<BuildingResponse> {
    return this.buildings.archive(t, id, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(Permission.BuildingManage)
  @ApiNoContentResponse({ description: 'Deleted; 409 BUILDING_HAS_UNITS while it has units' })
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.buildings.delete(t, id, meta);
  }
}
