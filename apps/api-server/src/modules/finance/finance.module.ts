import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { IdempotencyKeys } from '../../common/idempotency';
import { BuildingsModule } from '../buildings/buildings.module';
import { PeopleModule } from '../people/people.module';
import { UnitsModule } from '../units/units.module';
import { VendorsModule } from '../vendors/vendors.module';
import { ChargesController } from './charges.controller';
import { ChargesRepository } from './charges.repository';
import { ChargesService } from './charges.service';
import { ExpensesController } from './expenses.controller';
import { ExpensesRepository } from './expenses.repository';
import { ExpensesService } from './expenses.service';
import { FinanceReportsController } from './finance-reports.controller';
import { FinanceReportsRepository } from './finance-reports.repository';
import { FinanceReportsService } from './finance-reports.service';

/** Charges, payments, expenses, balances and building summaries (the overdue job is FinanceOverdueModule). */
@Module({
  imports: [EventsModule, UnitsModule, PeopleModule, BuildingsModule, VendorsModule],
  controllers: [ChargesController, ExpensesController, FinanceReportsController],
  providers: [
    ChargesRepository,
    ChargesService,
    ExpensesRepository,
    ExpensesService,
    FinanceReportsRepository,
    FinanceReportsService,
    IdempotencyKeys,
  ],
})
export class FinanceModule {}
