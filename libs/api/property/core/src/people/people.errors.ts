import { featureError } from '@ppt/observability';

export enum PersonErrorCode {
  NotFound = 'PERSON_NOT_FOUND',
  UserNotMember = 'USER_NOT_A_MEMBER',
  HasLeases = 'PERSON_HAS_LEASES',
  InUse = 'PERSON_IN_USE',
  AlreadyLinked = 'PERSON_ALREADY_LINKED',
  EmailMissing = 'PERSON_EMAIL_MISSING',
  InvitationNotFound = 'INVITATION_NOT_FOUND',
  InvitationNotPending = 'INVITATION_NOT_PENDING',
  UserAlreadyLinked = 'USER_ALREADY_LINKED',
  InvitationEmailMismatch = 'INVITATION_EMAIL_MISMATCH',
}

export class PersonError extends featureError<PersonErrorCode>({
  [PersonErrorCode.NotFound]: 404,
  [PersonErrorCode.UserNotMember]: 422,
  [PersonErrorCode.HasLeases]: 409,
  [PersonErrorCode.InUse]: 409,
  [PersonErrorCode.AlreadyLinked]: 409,
  [PersonErrorCode.EmailMissing]: 422,
  [PersonErrorCode.InvitationNotFound]: 404,
  [PersonErrorCode.InvitationNotPending]: 409,
  [PersonErrorCode.UserAlreadyLinked]: 409,
  [PersonErrorCode.InvitationEmailMismatch]: 403,
}) {}
