import { IsOmittable, PageResponse, UpdateType } from '@ppt/http';
import { TrimUpper } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { LEASE_STATUSES, type LeaseStatus } from '@ppt/api-db';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
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
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

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
  @IsOmittable()
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

  @ApiPropertyOptional({
    type: [String],
    example: ['9d6f1c2a-3b4e-4f5a-8b7c-1d2e3f4a5b6c'],
    description: 'People who sign the lease besides the primary tenant (at most 10)',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  coTenantIds?: string[];
}

/** Only a draft can be edited; its unit stays. */
export class UpdateLeaseDto extends UpdateType(OmitType(CreateLeaseDto, ['unitId'] as const)) {}

export class TerminateLeaseDto {
  @ApiProperty({ example: '2027-03-31', description: 'Last day of the lease' })
  @IsISO8601(DATE)
  @Length(10, 10)
  endDate!: string;
}

export const LEASE_SORTS = sortOptions(['startDate', 'endDate', 'leaseNumber', 'createdAt']);

export class ListLeasesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: LEASE_SORTS, default: '-startDate' })
  @IsOmittable()
  @IsIn(LEASE_SORTS)
  sort = '-startDate';

  @ApiPropertyOptional({ enum: LEASE_STATUSES })
  @IsOmittable()
  @IsIn(LEASE_STATUSES)
  status?: LeaseStatus;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Leases where this person is the primary tenant or a co-tenant' })
  @IsOmittable()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ enum: [30, 60, 90], description: 'Active leases ending within this many days' })
  @IsOmittable()
  @Type(() => Number)
  @IsIn([30, 60, 90])
  expiringWithinDays?: 30 | 60 | 90;
}

export class LeaseResponse {
  @ApiProperty({ example: '6a1f9e2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b' }) id!: string;
  @ApiProperty({ example: '2c4e6a8b-1d3f-4a5b-9c7d-8e0f1a2b3c4d' }) unitId!: string;
  @ApiProperty({ example: '5b7d9f1a-2c4e-4d6f-8a0b-1c3e5a7b9d0f' }) primaryTenantId!: string;
  @ApiProperty({ type: [String], example: ['9d6f1c2a-3b4e-4f5a-8b7c-1d2e3f4a5b6c'] })
  coTenantIds!: string[];
  @ApiProperty({ example: 'L-2026-0042' }) leaseNumber!: string;
  @ApiProperty({ example: '2026-12-01' }) startDate!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-11-30' }) endDate!: string | null;
  @ApiProperty({ example: 1850000, description: 'Monthly rent in minor units' }) rentAmount!: number;
  @ApiProperty({ example: 3700000 }) depositAmount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: 15 }) paymentDay!: number;
  @ApiProperty({ enum: LEASE_STATUSES, example: 'active' }) status!: LeaseStatus;
  @ApiProperty({ example: 3, description: 'Incremented on every change' }) version!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-03-31' }) terminatedAt!: string | null;
  @ApiProperty({ example: '2026-11-02T10:15:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: '2026-11-20T08:00:00.000Z' }) updatedAt!: Date;
}

export class LeasePageResponse extends PageResponse(LeaseResponse) {}

/** The terms an addendum may change; at least one must be given. */
export class CreateAddendumDto {
  @ApiProperty({ example: '2027-01-01', description: 'The day the changed terms apply from' })
  @IsISO8601(DATE)
  @Length(10, 10)
  effectiveFrom!: string;

  @ApiProperty({ example: 'Rent indexed by 4.5 % (inflation clause, art. 5)' })
  @IsString()
  @Length(1, 2000)
  description!: string;

  @ApiPropertyOptional({ example: 1933250, description: 'New monthly rent in minor units' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  rentAmount?: number;

  @ApiPropertyOptional({ example: 3866500 })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  depositAmount?: number;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 28 })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(28)
  paymentDay?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2028-11-30',
    description: 'New last day (extension or shortening); null makes the lease open-ended',
  })
  @IsOptional()
  @IsISO8601(DATE)
  @Length(10, 10)
  endDate?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['9d6f1c2a-3b4e-4f5a-8b7c-1d2e3f4a5b6c'],
    description: 'The new complete list of co-tenants',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  coTenantIds?: string[];
}

export class AddendumTermsResponse {
  @ApiPropertyOptional({ example: 1933250 }) rentAmount?: number;
  @ApiPropertyOptional({ example: 3866500 }) depositAmount?: number;
  @ApiPropertyOptional({ example: 10 }) paymentDay?: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2028-11-30' }) endDate?: string | null;
  @ApiPropertyOptional({ type: [String], example: ['9d6f1c2a-3b4e-4f5a-8b7c-1d2e3f4a5b6c'] })
  coTenantIds?: string[];
}

export class AddendumResponse {
  @ApiProperty({ example: 'b3d5f7a9-0c2e-4f6a-8b1d-3e5f7a9b0c2d' }) id!: string;
  @ApiProperty({ example: '6a1f9e2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b' }) leaseId!: string;
  @ApiProperty({ example: 1, description: 'Numbered per lease from 1' }) number!: number;
  @ApiProperty({ example: '2027-01-01' }) effectiveFrom!: string;
  @ApiProperty({ example: 'Rent indexed by 4.5 % (inflation clause, art. 5)' }) description!: string;
  @ApiProperty({ type: AddendumTermsResponse, description: 'The terms it changed, as changed' })
  changes!: AddendumTermsResponse;
  @ApiProperty({ type: AddendumTermsResponse, description: 'The same terms before the addendum' })
  previous!: AddendumTermsResponse;
  @ApiPropertyOptional({ type: String, nullable: true, example: '4e6a8c0e-2b4d-4f6a-9c8e-0a2c4e6a8c0e' })
  createdByUserId!: string | null;
  @ApiProperty({ example: '2026-12-15T09:30:00.000Z' }) createdAt!: Date;
}

export class AddendumPageResponse extends PageResponse(AddendumResponse) {}
