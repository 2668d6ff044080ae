export { ChargeOverdue } from './finance/charge-overdue';
export { ChargesService } from './finance/charges.service';
export { ChargePageResponse, ChargeResponse, CreateChargeDto, ListChargesQueryDto, ListOverdueQueryDto, OverdueChargePageResponse, OverdueChargeResponse, PaymentPageResponse, PaymentResponse, RecordedPaymentResponse, RecordPaymentDto, ReversePaymentDto } from './finance/dto/charge.dto';
export { CreateExpenseDto, ExpensePageResponse, ExpenseResponse, ListExpensesQueryDto, UpdateExpenseDto } from './finance/dto/expense.dto';
export { BalanceResponse, BuildingSummaryResponse, SummaryQueryDto } from './finance/dto/report.dto';
export { ExpensesService } from './finance/expenses.service';
export { FinanceReportsService } from './finance/finance-reports.service';
export { FinanceCoreModule } from './finance/finance.core.module';
