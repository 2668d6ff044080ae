import { featureError } from '@ppt/observability';

export enum FaultErrorCode {
  NotFound = 'FAULT_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  VendorNotFound = 'VENDOR_NOT_FOUND',
  AssigneeNotStaff = 'ASSIGNEE_NOT_STAFF',
  InvalidTransition = 'INVALID_TRANSITION',
  StaffOnly = 'STAFF_ONLY',
}

export class FaultError extends featureError<FaultErrorCode>({
  [FaultErrorCode.NotFound]: 404,
  [FaultErrorCode.BuildingNotFound]: 404,
  [FaultErrorCode.UnitNotFound]: 404,
  [FaultErrorCode.VendorNotFound]: 404,
  [FaultErrorCode.AssigneeNotStaff]: 422,
  [FaultErrorCode.InvalidTransition]: 409,
  [FaultErrorCode.StaffOnly]: 403,
}) {}
