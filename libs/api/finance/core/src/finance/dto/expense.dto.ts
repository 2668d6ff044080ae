import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { EXPENSE_CATEGORIES, type ExpenseCategory } from '@ppt/api-db';
import { IsOmittable, PageQueryDto, PageResponse, Trim, TrimUpper, UpdateType } from '@ppt/http';
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
  ValidateIf,
} from 'class-validator';
import { EXAMPLE_TIME } from '@ppt/api-shared';
import { sortOptions } from '@ppt/api-shared';
import { DATE, FINANCE_EXAMPLE as EX } from './examples';

export class CreateExpenseDto {
  @ApiProperty({ example: EX.building })
  @IsUUID()
  buildingId!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EX.vendor,
    description: 'A vendor of the organisation',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  vendorId?: string | null;

  @ApiProperty({ enum: EXPENSE_CATEGORIES, example: 'repairs' })
  @IsIn(EXPENSE_CATEGORIES)
  category!: ExpenseCategory;

  @ApiPropertyOptional({ example: 'Roof gutter repair' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(0, 500)
  description?: string;

  @ApiProperty({ example: 1250000, description: 'Positive integer in minor units' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'CZK' })
  @TrimUpper()
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiProperty({ example: '2026-11-18' })
  @IsISO8601(DATE)
  @Length(10, 10)
  incurredOn!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'FV-2026-1184',
    description: 'Invoice number',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Trim()
  @IsString()
  @Length(1, 100)
  reference?: string | null;
}

/** The building stays; everything else may change. */
export class UpdateExpenseDto extends UpdateType(OmitType(CreateExpenseDto, ['buildingId'] as const)) {}

export const EXPENSE_SORTS = sortOptions(['incurredOn', 'amount', 'createdAt']);

export class ListExpensesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EXPENSE_SORTS, default: '-incurredOn' })
  @IsOmittable()
  @IsIn(EXPENSE_SORTS)
  sort = '-incurredOn';

  @ApiPropertyOptional()
  @IsOmittable()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  vendorId?: string;

  @ApiPropertyOptional({ enum: EXPENSE_CATEGORIES })
  @IsOmittable()
  @IsIn(EXPENSE_CATEGORIES)
  category?: ExpenseCategory;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'Incurred on or after' })
  @IsOmittable()
  @IsISO8601(DATE)
  @Length(10, 10)
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Incurred on or before' })
  @IsOmittable()
  @IsISO8601(DATE)
  @Length(10, 10)
  to?: string;
}

export class ExpenseResponse {
  @ApiProperty({ example: EX.expense }) id!: string;
  @ApiProperty({ example: EX.building }) buildingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.vendor }) vendorId!: string | null;
  @ApiProperty({ enum: EXPENSE_CATEGORIES, example: 'repairs' }) category!: ExpenseCategory;
  @ApiProperty({ example: 'Roof gutter repair' }) description!: string;
  @ApiProperty({ example: 1250000, description: 'Minor units' }) amount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: '2026-11-18' }) incurredOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'FV-2026-1184' }) reference!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EX.user }) createdByUserId!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class ExpensePageResponse extends PageResponse(ExpenseResponse) {}
