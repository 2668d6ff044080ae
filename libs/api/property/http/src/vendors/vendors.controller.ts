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
  CreateVendorDto,
  ListVendorsQueryDto,
  UpdateVendorDto,
  VendorPageResponse,
  VendorResponse,
} from '@ppt/api-property-core';
import { VendorsService } from '@ppt/api-property-core';

@ApiTags('vendors')
@ApiBearerAuth()
@RequirePermission(Permission.VendorManage)
@Controller('vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorsService) {}

  @Get()
  @ApiOkResponse({ type: VendorPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListVendorsQueryDto): Promise<Page<VendorResponse>> {
    return this.vendors.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: VendorResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<VendorResponse> {
    return this.vendors.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: VendorResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateVendorDto,
    @Meta() meta: RequestMeta,
  ): Promise<VendorResponse> {
    return this.vendors.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: VendorResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateVendorDto,
    @Meta() meta: RequestMeta,
  ): Promise<VendorResponse> {
    return this.vendors.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(Permission.VendorDelete)
  @ApiNoContentResponse({ description: 'Deleted; 409 VENDOR_IN_USE while a fault or an expense names it' })
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.vendors.delete(t, id, meta);
  }
}
