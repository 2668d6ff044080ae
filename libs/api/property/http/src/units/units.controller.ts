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
import {
  AddOccupantDto,
  CreateUnitDto,
  EndOccupancyDto,
  ListUnitsQueryDto,
  OccupantResponse,
  UnitPageResponse,
  UnitResponse,
  UpdateUnitDto,
} from '@ppt/api-property-core';
import { UnitsService } from '@ppt/api-property-core';

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @RequirePermission(Permission.UnitRead)
  @ApiOkResponse({
    type: UnitPageResponse,
    description: 'Owners and tenants see the units they own or live in',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListUnitsQueryDto): Promise<Page<UnitResponse>> {
    return this.units.list(t, query);
  }

  @Get(':id')
  @RequirePermission(Permission.UnitRead)
  @ApiOkResponse({ type: UnitResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<UnitResponse> {
    return this.units.get(t, id);
  }

  @Post()
  @RequirePermission(Permission.UnitManage)
  @ApiCreatedResponse({ type: UnitResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateUnitDto,
    @Meta() meta: RequestMeta,
  ): Promise<UnitResponse> {
    return this.units.create(t, dto, meta);
  }

  @Patch(':id')
  @RequirePermission(Permission.UnitManage)
  @ApiOkResponse({ type: UnitResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUnitDto,
    @Meta() meta: RequestMeta,
  ): Promise<UnitResponse> {
    return this.units.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(Permission.UnitManage)
  @ApiNoContentResponse()
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.units.delete(t, id, meta);
  }

  @Get(':id/occupants')
  @RequirePermission(Permission.UnitManage)
  @ApiOkResponse({ type: [OccupantResponse] })
  occupants(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<OccupantResponse[]> {
    return this.units.occupants(t, id);
  }

  @Post(':id/occupants')
  @RequirePermission(Permission.UnitManage)
  @ApiCreatedResponse({
    type: OccupantResponse,
    description: 'An owner, tenant or household member of the unit for a period',
  })
  addOccupant(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddOccupantDto,
    @Meta() meta: RequestMeta,
  ): Promise<OccupantResponse> {
    return this.units.addOccupant(t, id, dto, meta);
  }

  @Post(':id/occupants/:occupantId/end')
  @HttpCode(204)
  @RequirePermission(Permission.UnitManage)
  @ApiNoContentResponse({ description: 'Ends the occupancy on the given date' })
  endOccupancy(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('occupantId', ParseUUIDPipe) occupantId: string,
    @Body() dto: EndOccupancyDto,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.units.endOccupancy(t, id, occupantId, dto.endsOn, meta);
  }
}
