import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { BallotsService } from '@ppt/api-community-core';
import { DelegationsService } from '@ppt/api-community-core';
import {
  BallotChainResponse,
  BallotReceiptResponse,
  CastBallotDto,
  CreateDelegationDto,
  DelegationPageResponse,
  DelegationResponse,
  ParticipationPageResponse,
  ReceiptCheckResponse,
} from '@ppt/api-community-core';

/** Ballots, the audit chain, receipts and proxies of a vote. */
@ApiTags('votes')
@ApiBearerAuth()
@RequirePermission(Permission.VoteParticipate)
@Controller('votes/:id')
export class BallotsController {
  constructor(
    private readonly ballots: BallotsService,
    private readonly delegations: DelegationsService,
  ) {}

  @Post('ballots')
  @ApiCreatedResponse({
    type: BallotReceiptResponse,
    description:
      'One ballot per unit and question counts: casting again replaces it until the vote closes (409 VOTE_NOT_OPEN after). A secret ballot changes only with the receipt’s change token. 403 NOT_ENTITLED_TO_VOTE, 409 UNIT_DELEGATED',
  })
  cast(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CastBallotDto,
    @Meta() meta: RequestMeta,
  ): Promise<BallotReceiptResponse> {
    return this.ballots.cast(t, id, dto, meta);
  }

  @Get('audit')
  @ApiOkResponse({
    type: BallotChainResponse,
    description:
      'Every ballot in chain order and whether the chain verifies (secret votes: no unit, person or time)',
  })
  audit(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<BallotChainResponse> {
    return this.ballots.chain(t, id);
  }

  @Get('receipts/:ballotId')
  @ApiOkResponse({
    type: ReceiptCheckResponse,
    description: 'Check a receipt (ballot id + hash) against the chain',
  })
  receipt(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('ballotId', ParseUUIDPipe) ballotId: string,
  ): Promise<ReceiptCheckResponse> {
    return this.ballots.receipt(t, id, ballotId);
  }

  @Get('participation')
  @RequirePermission(Permission.VoteManage)
  @ApiOkResponse({
    type: ParticipationPageResponse,
    description:
      'Who voted, per unit and question, never what; with the number of units per question. While a secret vote is open, only the counts (hiddenUntilClose: true)',
  })
  participation(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<ParticipationPageResponse> {
    return this.ballots.participation(t, id, page);
  }

  @Get('delegations')
  @ApiOkResponse({
    type: DelegationPageResponse,
    description: 'Owners and proxies see the ones they gave or hold',
  })
  delegationList(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<DelegationResponse>> {
    return this.delegations.list(t, id, page);
  }

  @Post('delegations')
  @ApiCreatedResponse({
    type: DelegationResponse,
    description:
      'While the vote is open. 409 UNIT_ALREADY_DELEGATED; managers name the owner (grantorPersonId), 422 GRANTOR_NOT_OWNER',
  })
  delegate(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateDelegationDto,
    @Meta() meta: RequestMeta,
  ): Promise<DelegationResponse> {
    return this.delegations.delegate(t, id, dto, meta);
  }

  @Post('delegations/:delegationId/revoke')
  @HttpCode(200)
  @ApiOkResponse({
    type: DelegationResponse,
    description: 'Until the proxy has voted (409 PROXY_ALREADY_VOTED)',
  })
  revoke(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('delegationId', ParseUUIDPipe) delegationId: string,
    @Meta() meta: RequestMeta,
  ): Promise<DelegationResponse> {
    return this.delegations.revoke(t, id, delegationId, meta);
  }
}
