/**
 * Error codes shared by every app. Features add their own codes (see `<feature>.errors.ts`) by
 * throwing AppError with a code and a status; the error filter renders them all the same way.
 */
export enum CommonErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  BadRequest = 'BAD_REQUEST',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  UnprocessableEntity = 'UNPROCESSABLE_ENTITY',
  RateLimited = 'RATE_LIMITED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
}

/** The one place where HTTP statuses without a feature code get their code. */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: CommonErrorCode.BadRequest,
  401: CommonErrorCode.Unauthorized,
  403: CommonErrorCode.Forbidden,
  404: CommonErrorCode.NotFound,
  405: CommonErrorCode.MethodNotAllowed,
  409: CommonErrorCode.Conflict,
  413: CommonErrorCode.PayloadTooLarge,
  415: CommonErrorCode.UnsupportedMediaType,
  422: CommonErrorCode.UnprocessableEntity,
  429: CommonErrorCode.RateLimited,
  503: CommonErrorCode.ServiceUnavailable,
};

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** A client-facing error: its code, status, message and details are safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 503 with Retry-After: a dependency is down, nothing the client did; the same request may work shortly. */
export function serviceUnavailable(message: string, retryAfterS = 5): AppError {
  return new AppError(CommonErrorCode.ServiceUnavailable, 503, message, undefined, {
    'Retry-After': String(retryAfterS),
  });
}

export class ValidationFailedError extends AppError {
  constructor(details: ErrorDetail[]) {
    super(CommonErrorCode.ValidationFailed, 400, 'The request is not valid', details);
  }
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: ErrorDetail[]; requestId?: string };
}

/**
 * The error class of one feature: its codes and their HTTP statuses in one table.
 *   export class UnitError extends featureError({ UNIT_NOT_FOUND: 404, UNIT_NUMBER_TAKEN: 409 }) {}
 */
export function featureError<Code extends string>(statusByCode: Record<Code, number>) {
  return class FeatureError extends AppError {
    constructor(code: Code, message: string, details?: ErrorDetail[]) {
      super(code, statusByCode[code], message, details);
    }
  };
}
