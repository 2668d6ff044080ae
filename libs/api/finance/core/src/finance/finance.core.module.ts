import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { IdempotencyModule } from '@ppt/api-shared';
import { BuildingsCoreModule } from '@ppt/api-property-core';
import { PeopleCoreModule } from '@ppt/api-property-core';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { VendorsCoreModule } from '@ppt/api-property-core';
import { NotificationsCoreModule } from '@ppt/api-community-core';
import { ChargeOverdue } from './charge-overdue';
import { ChargesRepository } from './charges.repository';
import { ChargesService } from './charges.service';
import { ExpensesRepository } from './expenses.repository';
import { ExpensesService } from './expenses.service';
import { FinanceReportsRepository } from './finance-reports.repository';
import { FinanceReportsService } from './finance-reports.service';

/** Charges, payments, expenses, balances and building summaries (the overdue job is ChargeOverdue.run, @Scheduled). */
@Module({
  imports: [EventsModule, IdempotencyModule, NotificationsCoreModule, UnitsCoreModule, PeopleCoreModule, BuildingsCoreModule, VendorsCoreModule],
  providers: [
    ChargesRepository,
    ChargesService,
    ExpensesRepository,
    ExpensesService,
    FinanceReportsRepository,
    FinanceReportsService,
    ChargeOverdue,
  ],
  exports: [ChargesService, ExpensesService, FinanceReportsService, IdempotencyModule, ChargeOverdue],
})
export class FinanceCoreModule {}
