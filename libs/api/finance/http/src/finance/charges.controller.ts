import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import type { Response } from 'express';
import { IdempotencyKeyHeader, type IdempotentAnswer } from '@ppt/api-shared';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { ChargesService } from '@ppt/api-finance-core';
import {
  ChargePageResponse,
  ChargeResponse,
  CreateChargeDto,
  ListChargesQueryDto,
  ListOverdueQueryDto,
  OverdueChargePageResponse,
  OverdueChargeResponse,
  PaymentPageResponse,
  PaymentResponse,
  RecordedPaymentResponse,
  RecordPaymentDto,
  ReversePaymentDto,
} from '@ppt/api-finance-core';

const IDEMPOTENCY_NOTE =
  'With an Idempotency-Key header (1–255 visible ASCII characters): the same key and body get the first answer again (header Idempotent-Replayed: true), concurrent duplicates create one row, the same key with another body is 422 IDEMPOTENCY_KEY_REUSED.';

/** Sends the body; marks an answer replayed for an earlier request with the same Idempotency-Key. */
function answer<T>(res: Response, result: IdempotentAnswer<T>): T {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}

/** org_admin and manager charge and record payments; owners and tenants read their own charges. */
@ApiTags('finance')
@ApiBearerAuth()
@RequirePermission(Permission.FinanceManage)
@Controller('charges')
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Get()
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({
    type: ChargePageResponse,
    description: 'Owners and tenants see charges they pay or of leases they are party to',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListChargesQueryDto): Promise<Page<ChargeResponse>> {
    return this.charges.list(t, query);
  }

  @Get('overdue')
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({
    type: OverdueChargePageResponse,
    description: 'Charges past their due date (UTC) and not fully paid, oldest first, with days overdue',
  })
  overdue(
    @CurrentTenant() t: Tenant,
    @Query() query: ListOverdueQueryDto,
  ): Promise<Page<OverdueChargeResponse>> {
    return this.charges.overdue(t, query);
  }

  @Get(':id')
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({ type: ChargeResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ChargeResponse> {
    return this.charges.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({
    type: ChargeResponse,
    description:
      'Pending; emits charge.created. 422 LEASE_UNIT_MISMATCH / CURRENCY_MISMATCH when the lease is of another unit or currency. ' +
      IDEMPOTENCY_NOTE,
  })
  async create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateChargeDto,
    @Meta() meta: RequestMeta,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChargeResponse> {
    return answer(res, await this.charges.create(t, dto, meta, key));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({
    type: ChargeResponse,
    description: '409 CHARGE_ALREADY_PAID for a paid charge, 409 CHARGE_HAS_PAYMENTS when partly paid',
  })
  cancel(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<ChargeResponse> {
    return this.charges.cancel(t, id, meta);
  }

  @Get(':id/payments')
  @RequirePermission(Permission.FinanceRead)
  @ApiOkResponse({ type: PaymentPageResponse })
  payments(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<PaymentResponse>> {
    return this.charges.payments(t, id, page);
  }

  @Post(':id/payments')
  @ApiCreatedResponse({
    type: RecordedPaymentResponse,
    description:
      'Emits payment.recorded; the charge becomes paid when covered. 422 CURRENCY_MISMATCH, 422 PAYMENT_EXCEEDS_OUTSTANDING, 409 CHARGE_ALREADY_PAID / CHARGE_CANCELLED. ' +
      IDEMPOTENCY_NOTE,
  })
  async recordPayment(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordPaymentDto,
    @Meta() meta: RequestMeta,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordedPaymentResponse> {
    return answer(res, await this.charges.recordPayment(t, id, dto, meta, key));
  }

  @Post(':id/payments/:paymentId/reverse')
  @ApiCreatedResponse({
    type: RecordedPaymentResponse,
    description:
      'A reversing entry (negative amount, dated today, with the reason); the payment stays. Emits payment.reversed; a paid charge becomes pending (overdue past its due date). 409 PAYMENT_ALREADY_REVERSED / PAYMENT_IS_REVERSAL / CHARGE_CANCELLED, 404 PAYMENT_NOT_FOUND',
  })
  reversePayment(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('paymentId', ParseUUIDPipe) paymentId: string,
    @Body() dto: ReversePaymentDto,
    @Meta() meta: RequestMeta,
  ): Promise<RecordedPaymentResponse> {
    return this.charges.reversePayment(t, id, paymentId, dto, meta);
  }
}
