import { AppError } from '@ppt/observability';

export enum UnitErrorCode {
  NotFound = 'UNIT_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  NumberTaken = 'UNIT_NUMBER_TAKEN',
  BuildingArchived = 'BUILDING_ARCHIVED',
}

const STATUS: Record<UnitErrorCode, number> = {
  [UnitErrorCode.NotFound]: 404,
  [UnitErrorCode.BuildingNotFound]: 404,
  [UnitErrorCode.NumberTaken]: 409,
  [UnitErrorCode.BuildingArchived]: 409,
};

export class UnitError extends AppError {
  constructor(code: UnitErrorCode, message: string) {
    super(code, STATUS[code], message);
  }
}
