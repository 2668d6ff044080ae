import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  CreateMeterDto,
  CreateReadingPeriodDto,
  ListMetersQueryDto,
  MeterPageResponse,
  MeterReadingPageResponse,
  MeterReadingResponse,
  MeterResponse,
  ReadingPeriodPageResponse,
  ReadingPeriodResponse,
  SubmitReadingDto,
} from '@ppt/api-property-core';
import { MetersService } from '@ppt/api-property-core';

@ApiTags('meters')
@ApiBearerAuth()
@RequirePermission(Permission.MeterManage)
@Controller()
export class MetersController {
  constructor(private readonly meters: MetersService) {}

  @Get('meters')
  @RequirePermission(Permission.MeterRead)
  @ApiOkResponse({ type: MeterPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListMetersQueryDto): Promise<Page<MeterResponse>> {
    return this.meters.list(t, query);
  }

  @Get('meters/:id')
  @RequirePermission(Permission.MeterRead)
  @ApiOkResponse({ type: MeterResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<MeterResponse> {
    return this.meters.get(t, id);
  }

  @Post('meters')
  @RequirePermission(Permission.MeterManage)
  @ApiCreatedResponse({ type: MeterResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateMeterDto,
    @Meta() meta: RequestMeta,
  ): Promise<MeterResponse> {
    return this.meters.create(t, dto, meta);
  }

  @Get('meters/:id/readings')
  @RequirePermission(Permission.MeterRead)
  @ApiOkResponse({ type: MeterReadingPageResponse })
  readings(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<MeterReadingResponse>> {
    return this.meters.readings(t, id, page);
  }

  @Post('meters/:id/readings')
  @RequirePermission(Permission.MeterReadingSubmit)
  @ApiCreatedResponse({
    type: MeterReadingResponse,
    description: '422 READING_LOWER_THAN_PREVIOUS unless isReplacement',
  })
  submit(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SubmitReadingDto,
    @Meta() meta: RequestMeta,
  ): Promise<MeterReadingResponse> {
    return this.meters.submitReading(t, id, dto, meta);
  }

  @Get('reading-periods')
  @ApiOkResponse({ type: ReadingPeriodPageResponse })
  periods(@CurrentTenant() t: Tenant, @Query() page: PageQueryDto): Promise<Page<ReadingPeriodResponse>> {
    return this.meters.periods(t, page);
  }

  @Post('reading-periods')
  @RequirePermission(Permission.ReadingPeriodManage)
  @ApiCreatedResponse({ type: ReadingPeriodResponse, description: 'Audited as reading_period.created' })
  createPeriod(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateReadingPeriodDto,
    @Meta() meta: RequestMeta,
  ): Promise<ReadingPeriodResponse> {
    return this.meters.createPeriod(t, dto, meta);
  }
}
