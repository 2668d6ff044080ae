import { featureError } from '@ppt/observability';

export enum MeterErrorCode {
  NotFound = 'METER_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  PeriodNotFound = 'READING_PERIOD_NOT_FOUND',
  SerialTaken = 'METER_SERIAL_TAKEN',
  LowerThanPrevious = 'READING_LOWER_THAN_PREVIOUS',
  InFuture = 'READING_IN_FUTURE',
  OutsidePeriod = 'READING_OUTSIDE_PERIOD',
  PeriodClosed = 'READING_PERIOD_CLOSED',
  OutOfOrder = 'READING_OUT_OF_ORDER',
  ReplacementStaffOnly = 'REPLACEMENT_STAFF_ONLY',
  InvalidReplacement = 'INVALID_REPLACEMENT',
  InvalidDates = 'INVALID_DATES',
}

export class MeterError extends featureError<MeterErrorCode>({
  [MeterErrorCode.NotFound]: 404,
  [MeterErrorCode.UnitNotFound]: 404,
  [MeterErrorCode.PeriodNotFound]: 404,
  [MeterErrorCode.SerialTaken]: 409,
  [MeterErrorCode.LowerThanPrevious]: 422,
  [MeterErrorCode.InFuture]: 422,
  [MeterErrorCode.OutsidePeriod]: 422,
  [MeterErrorCode.PeriodClosed]: 409,
  [MeterErrorCode.OutOfOrder]: 409,
  [MeterErrorCode.ReplacementStaffOnly]: 403,
  [MeterErrorCode.InvalidReplacement]: 422,
  [MeterErrorCode.InvalidDates]: 422,
}) {}
