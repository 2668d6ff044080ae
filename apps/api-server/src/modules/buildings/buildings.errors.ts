import { AppError } from '@ppt/observability';

export enum BuildingErrorCode {
  NotFound = 'BUILDING_NOT_FOUND',
  HasUnits = 'BUILDING_HAS_UNITS',
  ManagerNotMember = 'MANAGER_NOT_A_MEMBER',
}

const STATUS: Record<BuildingErrorCode, number> = {
  [BuildingErrorCode.NotFound]: 404,
  [BuildingErrorCode.HasUnits]: 409,
  [BuildingErrorCode.ManagerNotMember]: 422,
};

export class BuildingError extends AppError {
  constructor(code: BuildingErrorCode, message: string) {
    super(code, STATUS[code], message);
  }
}
