import { Module } from '@nestjs/common';
import { FinanceCoreModule } from './finance.core.module';
import { ChargeOverdueProcessor } from './jobs/charge-overdue.processor';

/** Worker side of finance: the daily overdue job's consumer; the handler (ChargeOverdue) is in FinanceCoreModule. */
@Module({
  imports: [FinanceCoreModule],
  providers: [ChargeOverdueProcessor],
})
export class FinanceOverdueModule {}
