import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPENSE_CATEGORIES, type ExpenseCategory } from '@ppt/api-db';
import { Matches } from 'class-validator';
import { FINANCE_EXAMPLE as EX } from './examples';

export class CurrencyBalanceResponse {
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: 3700000, description: 'Sum of charges that are not cancelled' }) charged!: number;
  @ApiProperty({ example: 2700000, description: 'Sum of payments' }) paid!: number;
  @ApiProperty({ example: 1000000, description: 'charged − paid' }) outstanding!: number;
  @ApiProperty({ example: 1000000, description: 'Outstanding on charges due before today' }) overdue!: number;
}

export class BalanceResponse {
  @ApiPropertyOptional({ example: EX.unit }) unitId?: string;
  @ApiPropertyOptional({ example: EX.person }) personId?: string;
  @ApiProperty({ example: '2026-12-20', description: 'The day overdue is counted against (UTC)' })
  asOf!: string;
  @ApiProperty({
    type: [CurrencyBalanceResponse],
    description: 'One entry per currency; amounts of different currencies are never added up',
  })
  items!: CurrencyBalanceResponse[];
}

export class SummaryQueryDto {
  @ApiProperty({ example: '2026-11', description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

export class CategoryAmountResponse {
  @ApiProperty({ enum: EXPENSE_CATEGORIES, example: 'repairs' }) category!: ExpenseCategory;
  @ApiProperty({ example: 1250000 }) amount!: number;
}

export class CurrencySummaryResponse {
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiProperty({ example: 5550000, description: 'Charges of its units due in the month (not cancelled)' })
  charged!: number;
  @ApiProperty({ example: 3700000, description: 'Payments on charges of its units paid in the month' })
  collected!: number;
  @ApiProperty({ example: 1250000, description: 'Expenses of the building incurred in the month' })
  expenses!: number;
  @ApiProperty({ example: 2450000, description: 'collected − expenses' }) net!: number;
  @ApiProperty({ type: [CategoryAmountResponse] }) expensesByCategory!: CategoryAmountResponse[];
}

export class BuildingSummaryResponse {
  @ApiProperty({ example: EX.building }) buildingId!: string;
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ type: [CurrencySummaryResponse], description: 'One entry per currency' })
  currencies!: CurrencySummaryResponse[];
}
