import { featureError } from '@ppt/observability';

export enum BuildingErrorCode {
  NotFound = 'BUILDING_NOT_FOUND',
  HasUnits = 'BUILDING_HAS_UNITS',
  InUse = 'BUILDING_IN_USE',
  ManagerNotMember = 'MANAGER_NOT_A_MEMBER',
}

export class BuildingError extends featureError<BuildingErrorCode>({
  [BuildingErrorCode.NotFound]: 404,
  [BuildingErrorCode.HasUnits]: 409,
  [BuildingErrorCode.InUse]: 409,
  [BuildingErrorCode.ManagerNotMember]: 422,
}) {}
