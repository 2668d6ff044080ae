import { featureError } from '@ppt/observability';

export enum InvitationErrorCode {
  NotFound = 'INVITATION_NOT_FOUND',
  Expired = 'INVITATION_EXPIRED',
  Revoked = 'INVITATION_REVOKED',
  AlreadyAccepted = 'INVITATION_ALREADY_ACCEPTED',
  Declined = 'INVITATION_DECLINED',
  EmailMismatch = 'INVITATION_EMAIL_MISMATCH',
  Conflict = 'INVITATION_CONFLICT',
}

/** Gone (410) for what time or an admin ended; conflict (409) for what the invitee already answered. */
export class InvitationError extends featureError<InvitationErrorCode>({
  [InvitationErrorCode.NotFound]: 404,
  [InvitationErrorCode.Expired]: 410,
  [InvitationErrorCode.Revoked]: 410,
  [InvitationErrorCode.AlreadyAccepted]: 409,
  [InvitationErrorCode.Declined]: 409,
  [InvitationErrorCode.EmailMismatch]: 403,
  [InvitationErrorCode.Conflict]: 409,
}) {}
