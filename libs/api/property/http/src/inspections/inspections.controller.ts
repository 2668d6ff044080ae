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
  CreateInspectionDto,
  InspectionPageResponse,
  InspectionResponse,
  ListInspectionsQueryDto,
  UpdateInspectionDto,
} from '@ppt/api-property-core';
import { InspectionsService } from '@ppt/api-property-core';

@ApiTags('inspections')
@ApiBearerAuth()
@RequirePermission(Permission.InspectionManage)
@Controller('inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Get()
  @ApiOkResponse({ type: InspectionPageResponse })
  list(
    @CurrentTenant() t: Tenant,
    @Query() query: ListInspectionsQueryDto,
  ): Promise<Page<InspectionResponse>> {
    return this.inspections.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: InspectionResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<InspectionResponse> {
    return this.inspections.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: InspectionResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateInspectionDto,
    @Meta() meta: RequestMeta,
  ): Promise<InspectionResponse> {
    return this.inspections.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: InspectionResponse, description: '`items`, when given, replace the list' })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateInspectionDto,
    @Meta() meta: RequestMeta,
  ): Promise<InspectionResponse> {
    return this.inspections.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its items' })
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.inspections.delete(t, id, meta);
  }
}
