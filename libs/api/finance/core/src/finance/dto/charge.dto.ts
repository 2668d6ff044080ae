import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHARGE_KINDS,
  CHARGE_STATUSES,
  PAYMENT_METHODS,
  type ChargeKind,
  type ChargeStatus,
  type PaymentMethod,
} from '@ppt/api-db';
import { IsOmittable, PageQueryDto, PageResponse, Trim, TrimUpper } from '@ppt/http';
import {
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { EXAMPLE_TIME } from '@ppt/api-shared';
import { sortOptions } from '@ppt/api-shared';
import { DATE, FINANCE_EXAMPLE as EX } from './examples';

export class CreateChargeDto {
  @ApiProperty({ example: EX.unit })
  @IsUUID()
  unitId!: string;

  @ApiPropertyOptional({ example: EX.lease, description: 'A lease of the same unit' })
  @IsOptional()
  @IsUUID()
  leaseId?: string;

  @ApiPropertyOptional({
    example: EX.person,
    description: "The payer; defaults to the lease's primary tenant when a lease is given",
  })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiProperty({ enum: CHARGE_KINDS, example: 'rent' })
  @IsIn(CHARGE_KINDS)
  kind!: ChargeKind;

  @ApiPropertyOptional({ example: 'Rent for December 2026' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(0, 500)
  description?: string;

  @ApiProperty({ example: 1850000, description: 'Positive integer in minor units (cents, haléře)' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'CZK', description: "ISO 4217; must equal the lease's currency" })
  @TrimUpper()
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiProperty({ example: '2026-12-15' })
  @IsISO8601(DATE)
  @Length(10, 10)
  dueDate!: string;
}

export const CHARGE_SORTS = sortOptions(['dueDate', 'amount', 'createdAt']);

export class ListChargesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHARGE_SORTS, default: '-dueDate' })
  @IsOmittable()
  @IsIn(CHARGE_SORTS)
  sort = '-dueDate';

  @ApiPropertyOptional({ enum: CHARGE_STATUSES })
  @IsOmittable()
  @IsIn(CHARGE_STATUSES)
  status?: ChargeStatus;

  @ApiPropertyOptional({ enum: CHARGE_KINDS })
  @IsOmittable()
  @IsIn(CHARGE_KINDS)
  kind?: ChargeKind;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  leaseId?: string;

  @ApiPropertyOptional({ description: 'The payer' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ description: 'Charges of units in this building' })
  @IsOmittable()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'Due on or after' })
  @IsOmittable()
  @IsISO8601(DATE)
  @Length(10, 10)
  dueFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Due on or before' })
  @IsOmittable()
  @IsISO8601(DATE)
  @Length(10, 10)
  dueTo?: string;
}

export class ListOverdueQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsUUID()
  buildingId?: string;
}

export class ChargeResponse {
  @ApiProperty({ example: EX.charge }) id!: string;
  @ApiProperty({ example: EX.unit }) unitId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.lease }) leaseId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.person }) personId!: string | null;
  @ApiProperty({ enum: CHARGE_KINDS, example: 'rent' }) kind!: ChargeKind;
  @ApiProperty({ example: 'Rent for December 2026' }) description!: string;
  @ApiProperty({ example: 1850000, description: 'Minor units' }) amount!: number;
  @ApiProperty({ example: 850000, description: 'Sum of its payments, minor units' }) paidAmount!: number;
  @ApiProperty({ example: 1000000, description: 'amount − paidAmount' }) outstandingAmount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: '2026-12-15' }) dueDate!: string;
  @ApiProperty({
    enum: CHARGE_STATUSES,
    example: 'pending',
    description:
      'paid once payments cover the amount; overdue once the daily job saw it unpaid after its due date',
  })
  status!: ChargeStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Set when fully paid' })
  paidOn!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: null }) cancelledAt!: Date | null;
  @ApiProperty({ example: 2, description: 'Incremented on every change' }) version!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.user }) createdByUserId!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class ChargePageResponse extends PageResponse(ChargeResponse) {}

export class OverdueChargeResponse extends ChargeResponse {
  @ApiProperty({ example: 12, description: 'Days since the due date' }) daysOverdue!: number;
}

export class OverdueChargePageResponse extends PageResponse(OverdueChargeResponse) {}

export class RecordPaymentDto {
  @ApiProperty({
    example: 850000,
    description: 'Positive integer in minor units, at most what is outstanding',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'CZK', description: "Must equal the charge's currency" })
  @TrimUpper()
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiPropertyOptional({ example: '2026-12-14', description: 'Defaults to today (UTC); not in the future' })
  @IsOptional()
  @IsISO8601(DATE)
  @Length(10, 10)
  paidOn?: string;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'bank_transfer' })
  @IsIn(PAYMENT_METHODS)
  method!: PaymentMethod;

  @ApiPropertyOptional({ example: 'VS 2026120042' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  reference?: string;
}

export class PaymentResponse {
  @ApiProperty({ example: EX.payment }) id!: string;
  @ApiProperty({ example: EX.charge }) chargeId!: string;
  @ApiProperty({ example: 850000 }) amount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: '2026-12-14' }) paidOn!: string;
  @ApiProperty({ enum: PAYMENT_METHODS, example: 'bank_transfer' }) method!: PaymentMethod;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'VS 2026120042' }) reference!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: null,
    description: 'On a reversing entry (negative amount): the payment it undoes',
  })
  reversesPaymentId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Why it was reversed' })
  reason!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.user }) recordedByUserId!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

/** Oldest first; reversing entries appear as payments with a negative amount. */
export class PaymentPageResponse extends PageResponse(PaymentResponse) {}

export class ReversePaymentDto {
  @ApiProperty({ example: 'Bank returned the transfer (account closed)' })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class RecordedPaymentResponse {
  @ApiProperty({ type: PaymentResponse }) payment!: PaymentResponse;
  @ApiProperty({ type: ChargeResponse, description: 'The charge after the payment' }) charge!: ChargeResponse;
}
