import { featureError } from '@ppt/observability';

export enum MeterErrorCode {
  NotFound = 'METER_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  PeriodNotFound = 'READING_PERIOD_NOT_FOUND',
  SerialTaken = 'METER_SERIAL_TAKEN',
  LowerThanPrevious = 'READING_LOWER_THAN_PREVIOUS',
  InFuture = 'READING_IN_FUTURE',
  OutsidePeriod = 'READING_OUTSIDE_PERIOD',
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
  [MeterErrorCode.InvalidDates]: 422,
}) {}
