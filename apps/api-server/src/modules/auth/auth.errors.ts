import { featureError } from '@ppt/observability';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  EmailTaken = 'EMAIL_TAKEN',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  InvalidEmailToken = 'INVALID_TOKEN',
  NotAMember = 'NOT_A_MEMBER',
}

export class AuthError extends featureError<AuthErrorCode>({
  [AuthErrorCode.InvalidCredentials]: 401,
  [AuthErrorCode.EmailTaken]: 409,
  [AuthErrorCode.InvalidRefreshToken]: 401,
  [AuthErrorCode.InvalidEmailToken]: 400,
  [AuthErrorCode.NotAMember]: 403,
}) {}
