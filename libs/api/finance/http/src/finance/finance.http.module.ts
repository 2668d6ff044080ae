import { Module } from '@nestjs/common';
import { FinanceCoreModule } from '@ppt/api-finance-core';
import { ChargesController } from './charges.controller';
import { ExpensesController } from './expenses.controller';
import { FinanceReportsController } from './finance-reports.controller';

/** Finance's routes; the rules live in FinanceCoreModule. */
@Module({ imports: [FinanceCoreModule], controllers: [ChargesController, ExpensesController, FinanceReportsController] })
export class FinanceHttpModule {}
