import { AppError, CommonErrorCode, registerErrorCodes } from '@ppt/observability';
import { bearerChallenge } from '../bearer-challenge';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ SSO_UNAVAILABLE: 503 });

export enum SsoErrorCode {
  Unavailable = 'SSO_UNAVAILABLE',
}

/** api-server could not be asked (down, 5xx, timeout, refused our client): the token's fate is unknown. */
export class IdentityProviderUnavailable extends Error {
  override name = 'IdentityProviderUnavailable';
}

/** The token is not one we accept; the message becomes the 401's. */
export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

/** 401 with the RFC 6750 challenge; `tokenRefused` when a token was sent and is not accepted. */
export function unauthorized(message: string, tokenRefused = false): AppError {
  return new AppError(CommonErrorCode.Unauthorized, 401, message, undefined, {
    'WWW-Authenticate': bearerChallenge(tokenRefused ? message : undefined),
  });
}

/** 503, never 401: a valid session must not be told it is signed out because api-server is away. */
export function ssoUnavailable(retryAfterS: number): AppError {
  return new AppError(
    SsoErrorCode.Unavailable,
    503,
    'Sign-in cannot be checked right now; try again shortly',
    undefined,
    { 'Retry-After': String(retryAfterS) },
  );
}
