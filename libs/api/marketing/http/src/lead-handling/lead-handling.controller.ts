import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { ApiRateLimited, type Page } from '@ppt/http';
import type { Response } from 'express';
import { CurrentTenant, IdempotencyKeyHeader, type Tenant } from '@ppt/api-shared';
import {
  ChangeLeadStatusDto,
  LeadPageResponse,
  LeadReplyResponse,
  LeadResponse,
  ListLeadsQueryDto,
  ReplyToLeadDto,
} from '@ppt/api-marketing-core';
import { LeadHandlingService } from '@ppt/api-marketing-core';

/** The lead inbox: inquiries about listings, from our portal and the others. */
@ApiTags('leads')
@ApiBearerAuth()
@RequirePermission(Permission.ListingManage)
@Controller('leads')
export class LeadHandlingController {
  constructor(private readonly leads: LeadHandlingService) {}

  @Get()
  @ApiOkResponse({
    type: LeadPageResponse,
    description: 'Newest first; a realtor sees the leads of the listings they are the contact of',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListLeadsQueryDto): Promise<Page<LeadResponse>> {
    return this.leads.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: LeadResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<LeadResponse> {
    return this.leads.get(t, id);
  }

  @Post(':id/replies')
  @ApiCreatedResponse({
    type: LeadReplyResponse,
    description:
      'Stored; e-mailed to the inquirer by the worker (and shown on our portal to a signed-in visitor). ' +
      'Limited per sender and per lead (429 RATE_LIMITED). With an Idempotency-Key header (1–255 visible ASCII characters): the same key and body get the first answer again (header Idempotent-Replayed: true) and one e-mail, the same key with another body is 422 IDEMPOTENCY_KEY_REUSED. ' +
      "404 LEAD_NOT_FOUND also for a lead of another realtor's listing",
  })
  @ApiRateLimited()
  async reply(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReplyToLeadDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LeadReplyResponse> {
    const result = await this.leads.reply(t, id, dto, key);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Put(':id/status')
  @HttpCode(200)
  @ApiOkResponse({ type: LeadResponse, description: 'handled (who and when are kept) or open again' })
  changeStatus(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeLeadStatusDto,
  ): Promise<LeadResponse> {
    return this.leads.changeStatus(t, id, dto);
  }
}
