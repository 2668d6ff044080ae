import { featureError } from '@ppt/observability';

export enum LlmErrorCode {
  /** The provider's circuit breaker is open (too many recent failures): calls are not attempted. */
  ProviderUnavailable = 'AI_PROVIDER_UNAVAILABLE',
  /** The provider did not answer (or stopped streaming) within the deadline. */
  ProviderTimeout = 'AI_PROVIDER_TIMEOUT',
  /** The provider failed after retries, or answered with something that is not its protocol. */
  ProviderFailed = 'AI_PROVIDER_FAILED',
  /** The provider refused our request as such (credentials, unknown model): retrying will not help. */
  ProviderRejected = 'AI_PROVIDER_REJECTED',
}

export class LlmError extends featureError<LlmErrorCode>({
  [LlmErrorCode.ProviderUnavailable]: 503,
  [LlmErrorCode.ProviderTimeout]: 504,
  [LlmErrorCode.ProviderFailed]: 502,
  [LlmErrorCode.ProviderRejected]: 502,
}) {}
