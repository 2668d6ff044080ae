import { featureError } from '@ppt/observability';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  InvalidEmailToken = 'INVALID_TOKEN',
  NotAMember = 'NOT_A_MEMBER',
  EmailNotVerified = 'EMAIL_NOT_VERIFIED',
}

export class AuthError extends featureError<AuthErrorCode>({
  [AuthErrorCode.InvalidCredentials]: 401,
  [AuthErrorCode.InvalidRefreshToken]: 401,
  [AuthErrorCode.InvalidEmailToken]: 400,
  [AuthErrorCode.NotAMember]: 403,
  [AuthErrorCode.EmailNotVerified]: 403,
}) {}
