import { featureError } from '@ppt/observability';

export enum FinanceErrorCode {
  ChargeNotFound = 'CHARGE_NOT_FOUND',
  ExpenseNotFound = 'EXPENSE_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  LeaseNotFound = 'LEASE_NOT_FOUND',
  PersonNotFound = 'PERSON_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  VendorNotFound = 'VENDOR_NOT_FOUND',
  LeaseUnitMismatch = 'LEASE_UNIT_MISMATCH',
  CurrencyMismatch = 'CURRENCY_MISMATCH',
  Overpayment = 'PAYMENT_EXCEEDS_OUTSTANDING',
  PaymentDateInFuture = 'PAYMENT_DATE_IN_FUTURE',
  AlreadyPaid = 'CHARGE_ALREADY_PAID',
  Cancelled = 'CHARGE_CANCELLED',
  HasPayments = 'CHARGE_HAS_PAYMENTS',
}

export class FinanceError extends featureError<FinanceErrorCode>({
  [FinanceErrorCode.ChargeNotFound]: 404,
  [FinanceErrorCode.ExpenseNotFound]: 404,
  [FinanceErrorCode.UnitNotFound]: 404,
  [FinanceErrorCode.LeaseNotFound]: 404,
  [FinanceErrorCode.PersonNotFound]: 404,
  [FinanceErrorCode.BuildingNotFound]: 404,
  [FinanceErrorCode.VendorNotFound]: 404,
  [FinanceErrorCode.LeaseUnitMismatch]: 422,
  [FinanceErrorCode.CurrencyMismatch]: 422,
  [FinanceErrorCode.Overpayment]: 422,
  [FinanceErrorCode.PaymentDateInFuture]: 422,
  [FinanceErrorCode.AlreadyPaid]: 409,
  [FinanceErrorCode.Cancelled]: 409,
  [FinanceErrorCode.HasPayments]: 409,
}) {}
