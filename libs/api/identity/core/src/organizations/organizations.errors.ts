import { featureError } from '@ppt/observability';

export enum OrganizationErrorCode {
  NotFound = 'ORGANIZATION_NOT_FOUND',
  SlugTaken = 'SLUG_TAKEN',
  MemberNotFound = 'MEMBER_NOT_FOUND',
  AlreadyMember = 'ALREADY_MEMBER',
  LastAdmin = 'LAST_ORG_ADMIN',
  RoleNotAllowed = 'ROLE_NOT_ALLOWED',
}

export class OrganizationError extends featureError<OrganizationErrorCode>({
  [OrganizationErrorCode.NotFound]: 404,
  [OrganizationErrorCode.SlugTaken]: 409,
  [OrganizationErrorCode.MemberNotFound]: 404,
  [OrganizationErrorCode.AlreadyMember]: 409,
  [OrganizationErrorCode.LastAdmin]: 409,
  [OrganizationErrorCode.RoleNotAllowed]: 403,
}) {}
