import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
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
    description: 'Stored; e-mailed to the inquirer by the worker (and shown on our portal to a signed-in visitor)',
  })
  reply(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReplyToLeadDto,
  ): Promise<LeadReplyResponse> {
    return this.leads.reply(t, id, dto);
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
