import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { Meta, type RequestMeta } from '../../common/request-meta';
import { CurrentTenant, type Tenant } from '../../common/tenant';
import { ChargesService } from './charges.service';
import {
  ChargePageResponse,
  ChargeResponse,
  CreateChargeDto,
  ListChargesQueryDto,
  ListOverdueQueryDto,
  OverdueChargePageResponse,
  OverdueChargeResponse,
  PaymentListResponse,
  RecordedPaymentResponse,
  RecordPaymentDto,
} from './dto/charge.dto';

/** org_admin and manager charge and record payments; owners and tenants read their own charges. */
@ApiTags('finance')
@ApiBearerAuth()
@Roles('org_admin', 'manager')
@Controller('charges')
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Get()
  @Roles('org_admin', 'manager', 'owner', 'tenant')
  @ApiOkResponse({
    type: ChargePageResponse,
    description: 'Owners and tenants see charges they pay or of leases they are party to',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListChargesQueryDto): Promise<Page<ChargeResponse>> {
    return this.charges.list(t, query);
  }

  @Get('overdue')
  @Roles('org_admin', 'manager', 'owner', 'tenant')
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
  @Roles('org_admin', 'manager', 'owner', 'tenant')
  @ApiOkResponse({ type: ChargeResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ChargeResponse> {
    return this.charges.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({
    type: ChargeResponse,
    description:
      'Pending; emits charge.created. 422 LEASE_UNIT_MISMATCH / CURRENCY_MISMATCH when the lease is of another unit or currency',
  })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateChargeDto,
    @Meta() meta: RequestMeta,
  ): Promise<ChargeResponse> {
    return this.charges.create(t, dto, meta);
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
  @Roles('org_admin', 'manager', 'owner', 'tenant')
  @ApiOkResponse({ type: PaymentListResponse })
  payments(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<PaymentListResponse> {
    return this.charges.payments(t, id);
  }

  @Post(':id/payments')
  @ApiCreatedResponse({
    type: RecordedPaymentResponse,
    description:
      'Emits payment.recorded; the charge becomes paid when covered. 422 CURRENCY_MISMATCH, 422 PAYMENT_EXCEEDS_OUTSTANDING, 409 CHARGE_ALREADY_PAID / CHARGE_CANCELLED',
  })
  recordPayment(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordPaymentDto,
    @Meta() meta: RequestMeta,
  ): Promise<RecordedPaymentResponse> {
    return this.charges.recordPayment(t, id, dto, meta);
  }
}
