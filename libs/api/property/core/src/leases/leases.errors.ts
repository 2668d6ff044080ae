import { featureError } from '@ppt/observability';

export enum LeaseErrorCode {
  NotFound = 'LEASE_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  TenantNotFound = 'PERSON_NOT_FOUND',
  NumberTaken = 'LEASE_NUMBER_TAKEN',
  Overlap = 'LEASE_OVERLAP',
  InvalidTransition = 'INVALID_TRANSITION',
  NotDraft = 'LEASE_NOT_DRAFT',
  InvalidDates = 'INVALID_DATES',
  NotActive = 'LEASE_NOT_ACTIVE',
  EmptyAddendum = 'ADDENDUM_EMPTY',
  CoTenantIsPrimary = 'CO_TENANT_IS_PRIMARY',
}

export class LeaseError extends featureError<LeaseErrorCode>({
  [LeaseErrorCode.NotFound]: 404,
  [LeaseErrorCode.UnitNotFound]: 404,
  [LeaseErrorCode.TenantNotFound]: 404,
  [LeaseErrorCode.NumberTaken]: 409,
  [LeaseErrorCode.Overlap]: 409,
  [LeaseErrorCode.InvalidTransition]: 409,
  [LeaseErrorCode.NotDraft]: 409,
  [LeaseErrorCode.InvalidDates]: 422,
  [LeaseErrorCode.NotActive]: 409,
  [LeaseErrorCode.EmptyAddendum]: 422,
  [LeaseErrorCode.CoTenantIsPrimary]: 422,
}) {}
