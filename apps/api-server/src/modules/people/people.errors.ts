import { featureError } from '@ppt/observability';

export enum PersonErrorCode {
  NotFound = 'PERSON_NOT_FOUND',
  UserNotMember = 'USER_NOT_A_MEMBER',
  HasLeases = 'PERSON_HAS_LEASES',
}

export class PersonError extends featureError<PersonErrorCode>({
  [PersonErrorCode.NotFound]: 404,
  [PersonErrorCode.UserNotMember]: 422,
  [PersonErrorCode.HasLeases]: 409,
}) {}
