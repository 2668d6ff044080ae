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
  CreateExpenseDto,
  ExpensePageResponse,
  ExpenseResponse,
  ListExpensesQueryDto,
  UpdateExpenseDto,
} from '@ppt/api-finance-core';
import { ExpensesService } from '@ppt/api-finance-core';

/** Building expenses: org_admin and manager only. */
@ApiTags('finance')
@ApiBearerAuth()
@RequirePermission(Permission.FinanceManage)
@Controller('expenses')
export class ExpensesController {
  constructor(private readonly expenses: ExpensesService) {}

  @Get()
  @ApiOkResponse({ type: ExpensePageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListExpensesQueryDto): Promise<Page<ExpenseResponse>> {
    return this.expenses.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ExpenseResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ExpenseResponse> {
    return this.expenses.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: ExpenseResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateExpenseDto,
    @Meta() meta: RequestMeta,
  ): Promise<ExpenseResponse> {
    return this.expenses.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ExpenseResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateExpenseDto,
    @Meta() meta: RequestMeta,
  ): Promise<ExpenseResponse> {
    return this.expenses.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.expenses.remove(t, id, meta);
  }
}
