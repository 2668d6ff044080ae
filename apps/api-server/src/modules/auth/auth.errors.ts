import { featureError } from '@ppt/observability';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  InvalidEmailToken = 'INVALID_TOKEN',
  NotAMember = 'NOT_A_MEMBER',
  InvalidClient = 'INVALID_CLIENT',
  InvalidScope = 'INVALID_SCOPE',
  EmailNotVerified = 'EMAIL_NOT_VERIFIED',
}

export class AuthError extends featureError<AuthErrorCode>({
  [AuthErrorCode.InvalidCredentials]: 401,
  [AuthErrorCode.InvalidRefreshToken]: 401,
  [AuthErrorCode.InvalidEmailToken]: 400,
  [AuthErrorCode.NotAMember]: 403,
  [AuthErrorCode.InvalidClient]: 401,
  [AuthErrorCode.InvalidScope]: 400,
  [AuthErrorCode.EmailNotVerified]: 403,
}) {}
