import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { BalanceResponse, BuildingSummaryResponse, SummaryQueryDto } from '@ppt/api-finance-core';
import { FinanceReportsService } from '@ppt/api-finance-core';
import { Permission, RequirePermission } from '@ppt/auth';

@ApiTags('finance')
@ApiBearerAuth()
@RequirePermission(Permission.FinanceManage)
@Controller()
export class FinanceReportsController {
  constructor(private readonly reports: FinanceReportsService) {}

  @Get('units/:id/balance')
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({
    type: BalanceResponse,
    description:
      'Per currency: charged, paid, outstanding, overdue (integer minor units). Owners and tenants: units they occupy, their own charges only',
  })
  unitBalance(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<BalanceResponse> {
    return this.reports.unitBalance(t, id);
  }

  @Get('people/:id/balance')
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({
    type: BalanceResponse,
    description: 'Charges this person pays, per currency. Owners and tenants: only the person linked to them',
  })
  personBalance(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BalanceResponse> {
    return this.reports.personBalance(t, id);
  }

  @Get('buildings/:id/finance/summary')
  @ApiOkResponse({
    type: BuildingSummaryResponse,
    description:
      'One month per currency: charged, collected, expenses by category, net = collected − expenses',
  })
  buildingSummary(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: SummaryQueryDto,
  ): Promise<BuildingSummaryResponse> {
    return this.reports.buildingSummary(t, id, query.month);
  }
}
