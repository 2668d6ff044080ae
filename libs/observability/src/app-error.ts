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
  error: { code: string; message: string; details?: ErrorDetail[]; requestId?: string; traceId?: string };
}

/**
 * The error class of one feature: its codes and their HTTP statuses in one table.
 *   export class UnitError extends featureError({ UNIT_NOT_FOUND: 404, UNIT_NUMBER_TAKEN: 409 }) {}
 */
export function featureError<Code extends string>(statusByCode: Record<Code, number>) {
  registerErrorCodes(statusByCode);
  return class FeatureError extends AppError {
    constructor(code: Code, message: string, details?: ErrorDetail[]) {
      super(code, statusByCode[code], message, details);
    }
  };
}

const registeredCodes = new Map<string, Set<number>>();

/**
 * Records codes and their statuses for the OpenAPI document (each status's answer lists its codes as an
 * enum). featureError() calls it, so a feature's new code reaches the document without hand work;
 * a code thrown with `new AppError(...)` outside a table must be registered here as well, or the
 * contract tests refuse the answer that carries it.
 */
export function registerErrorCodes(statusByCode: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(statusByCode)) {
    const statuses = registeredCodes.get(code) ?? new Set<number>();
    statuses.add(status);
    registeredCodes.set(code, statuses);
  }
}

/** Every code an app of this process can answer with, by HTTP status, sorted (common codes included). */
export function errorCodesByStatus(): Map<number, string[]> {
  const byStatus = new Map<number, Set<string>>();
  const add = (status: number, code: string) =>
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  for (const [status, code] of Object.entries(CODE_BY_STATUS)) add(Number(status), code);
  add(400, CommonErrorCode.ValidationFailed);
  add(400, CommonErrorCode.MalformedJson);
  add(500, CommonErrorCode.Internal);
  for (const [code, statuses] of registeredCodes) for (const status of statuses) add(status, code);
  return new Map(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [status, [...codes].sort()]),
  );
}
