export { FinanceHttpModule } from './finance/finance.http.module';
