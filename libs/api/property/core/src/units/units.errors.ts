import { featureError } from '@ppt/observability';

export enum UnitErrorCode {
  NotFound = 'UNIT_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  NumberTaken = 'UNIT_NUMBER_TAKEN',
  BuildingArchived = 'BUILDING_ARCHIVED',
  PersonNotFound = 'PERSON_NOT_FOUND',
  OccupantNotFound = 'OCCUPANT_NOT_FOUND',
  InvalidDates = 'INVALID_DATES',
  InUse = 'UNIT_IN_USE',
}

export class UnitError extends featureError<UnitErrorCode>({
  [UnitErrorCode.NotFound]: 404,
  [UnitErrorCode.BuildingNotFound]: 404,
  [UnitErrorCode.NumberTaken]: 409,
  [UnitErrorCode.BuildingArchived]: 409,
  [UnitErrorCode.PersonNotFound]: 404,
  [UnitErrorCode.OccupantNotFound]: 404,
  [UnitErrorCode.InvalidDates]: 422,
  [UnitErrorCode.InUse]: 409,
}) {}
