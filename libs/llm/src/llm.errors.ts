import { AppError, registerErrorCodes } from '@ppt/observability';

export enum LlmErrorCode {
  /** The provider's circuit breaker is open (too many recent failures): calls are not attempted. */
  ProviderUnavailable = 'AI_PROVIDER_UNAVAILABLE',
  /** The provider did not answer (or stopped streaming) within the deadline. */
  ProviderTimeout = 'AI_PROVIDER_TIMEOUT',
  /** The provider failed after retries, or answered with something that is not its protocol. */
  ProviderFailed = 'AI_PROVIDER_FAILED',
  /** The provider refused our request as such (credentials, unknown model, address): retrying will not help. */
  ProviderRejected = 'AI_PROVIDER_REJECTED',
}

registerErrorCodes({
  [LlmErrorCode.ProviderUnavailable]: 503,
  [LlmErrorCode.ProviderTimeout]: 503,
  [LlmErrorCode.ProviderFailed]: 503,
  [LlmErrorCode.ProviderRejected]: 503,
});

/**
 * The AI provider could not give an answer. Always 503 with Retry-After to the caller (what failed is
 * ours to fix or wait out, never the request's); the code says why.
 */
export class LlmError extends AppError {
  constructor(
    override readonly code: LlmErrorCode,
    message: string,
    retryAfterS = 5,
    /** The provider's HTTP status when it refused the request (tells a bad input from a bad key). */
    readonly providerStatus?: number,
  ) {
    super(code, 503, message, undefined, { 'Retry-After': String(retryAfterS) });
  }
}
