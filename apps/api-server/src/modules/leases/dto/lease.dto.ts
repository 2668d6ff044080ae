import { PageResponse } from '../../../common/page.dto';
import { TrimUpper } from '../../../common/transforms';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { LEASE_STATUSES, type LeaseStatus } from '@ppt/db';
import { Type } from 'class-transformer';
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
import { ListQueryDto, sortOptions } from '../../../common/list-query';

const DATE = { strict: true, strictSeparator: true };

export class CreateLeaseDto {
  @ApiProperty()
  @IsUUID()
  unitId!: string;

  @ApiProperty({ description: 'A person of the organisation' })
  @IsUUID()
  primaryTenantId!: string;

  @ApiProperty({ example: 'L-2026-0042', description: 'Unique within the organisation' })
  @IsString()
  @Length(1, 50)
  leaseNumber!: string;

  @ApiProperty({ example: '2026-12-01' })
  @IsISO8601(DATE)
  @Length(10, 10)
  startDate!: string;

  @ApiPropertyOptional({ example: '2027-11-30', description: 'Omit for an open-ended lease' })
  @IsOptional()
  @IsISO8601(DATE)
  @Length(10, 10)
  endDate?: string;

  @ApiProperty({ example: 1850000, description: 'Monthly rent in minor units (cents, haléře)' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  rentAmount!: number;

  @ApiPropertyOptional({ example: 3700000, description: 'Deposit in minor units' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  depositAmount?: number;

  @ApiProperty({ example: 'CZK' })
  @TrimUpper()
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiProperty({ example: 15, minimum: 1, maximum: 28 })
  @IsInt()
  @Min(1)
  @Max(28)
  paymentDay!: number;
}

/** Only a draft can be edited; its unit stays. */
export class UpdateLeaseDto extends PartialType(OmitType(CreateLeaseDto, ['unitId'] as const)) {}

export class TerminateLeaseDto {
  @ApiProperty({ example: '2027-03-31', description: 'Last day of the lease' })
  @IsISO8601(DATE)
  @Length(10, 10)
  endDate!: string;
}

export const LEASE_SORTS = sortOptions(['startDate', 'endDate', 'leaseNumber', 'createdAt']);

export class ListLeasesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: LEASE_SORTS, default: '-startDate' })
  @IsOptional()
  @IsIn(LEASE_SORTS)
  sort = '-startDate';

  @ApiPropertyOptional({ enum: LEASE_STATUSES })
  @IsOptional()
  @IsIn(LEASE_STATUSES)
  status?: LeaseStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: [30, 60, 90], description: 'Active leases ending within this many days' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([30, 60, 90])
  expiringWithinDays?: 30 | 60 | 90;
}

export class LeaseResponse {
  @ApiProperty() id!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty() primaryTenantId!: string;
  @ApiProperty() leaseNumber!: string;
  @ApiProperty({ example: '2026-12-01' }) startDate!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) endDate!: string | null;
  @ApiProperty() rentAmount!: number;
  @ApiProperty() depositAmount!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() paymentDay!: number;
  @ApiProperty({ enum: LEASE_STATUSES }) status!: LeaseStatus;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) terminatedAt!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class LeasePageResponse extends PageResponse(LeaseResponse) {}
