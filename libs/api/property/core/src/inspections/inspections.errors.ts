import { featureError } from '@ppt/observability';

export enum InspectionErrorCode {
  NotFound = 'INSPECTION_NOT_FOUND',
  InFuture = 'INSPECTION_IN_FUTURE',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
}

export class InspectionError extends featureError<InspectionErrorCode>({
  [InspectionErrorCode.NotFound]: 404,
  [InspectionErrorCode.InFuture]: 422,
  [InspectionErrorCode.BuildingNotFound]: 404,
  [InspectionErrorCode.UnitNotFound]: 404,
}) {}
