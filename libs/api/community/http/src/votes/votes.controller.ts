import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  CreateVoteDto,
  ListVotesQueryDto,
  UpdateVoteDto,
  VotePageResponse,
  VoteResponse,
  type VoteSummaryResponse,
} from '@ppt/api-community-core';
import { VotesService } from '@ppt/api-community-core';

/** Votes themselves: managers run them; owners (and proxies of any role) read the ones that concern them. */
@ApiTags('votes')
@ApiBearerAuth()
@RequirePermission(Permission.VoteManage)
@Controller('votes')
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  @Get()
  @RequirePermission(Permission.VoteParticipate)
  @ApiOkResponse({
    type: VotePageResponse,
    description: 'Owners and proxies see open, closed and cancelled votes that concern their units',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListVotesQueryDto): Promise<Page<VoteSummaryResponse>> {
    return this.votes.list(t, query);
  }

  @Get(':id')
  @RequirePermission(Permission.VoteParticipate)
  @ApiOkResponse({
    type: VoteResponse,
    description: 'With questions, results once closed, and the units you vote for (`myUnits`)',
  })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<VoteResponse> {
    return this.votes.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({
    type: VoteResponse,
    description:
      'Created as a draft. 422 INVALID_VOTING_PERIOD (a written vote runs at least 15 days), INVALID_QUORUM',
  })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateVoteDto,
    @Meta() meta: RequestMeta,
  ): Promise<VoteResponse> {
    return this.votes.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: VoteResponse,
    description: 'Drafts only (409 VOTE_NOT_DRAFT); `questions` replace all questions',
  })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateVoteDto,
    @Meta() meta: RequestMeta,
  ): Promise<VoteResponse> {
    return this.votes.update(t, id, dto, meta);
  }

  @Post(':id/open')
  @HttpCode(200)
  @ApiOkResponse({
    type: VoteResponse,
    description:
      'Snapshots the eligible units (owned today, in scope) and their weights; emits vote.opened. 422 NO_ELIGIBLE_UNITS',
  })
  open(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<VoteResponse> {
    return this.votes.open(t, id, meta);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOkResponse({
    type: VoteResponse,
    description:
      'Verifies the ballot chain, computes and stores every question’s result; emits vote.closed. 409 VOTING_PERIOD_RUNNING (written votes), BALLOT_CHAIN_BROKEN',
  })
  close(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<VoteResponse> {
    return this.votes.close(t, id, meta);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: VoteResponse, description: 'From draft or open; an open vote emits vote.cancelled' })
  cancel(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<VoteResponse> {
    return this.votes.cancel(t, id, meta);
  }
}
