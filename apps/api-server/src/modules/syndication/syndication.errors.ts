import { featureError } from '@ppt/observability';

export enum SyndicationErrorCode {
  UnknownPortal = 'UNKNOWN_PORTAL',
  PortalNotConfigured = 'PORTAL_NOT_CONFIGURED',
  InvalidPortalConfig = 'INVALID_PORTAL_CONFIG',
  EndpointNotAllowed = 'PORTAL_ENDPOINT_NOT_ALLOWED',
  SecretsNotConfigured = 'SECRETS_NOT_CONFIGURED',
  ListingNotFound = 'LISTING_NOT_FOUND',
  PortalRules = 'PORTAL_RULES_NOT_MET',
  NotRetryable = 'SYNDICATION_NOT_RETRYABLE',
}

export class SyndicationError extends featureError<SyndicationErrorCode>({
  [SyndicationErrorCode.UnknownPortal]: 404,
  [SyndicationErrorCode.PortalNotConfigured]: 404,
  [SyndicationErrorCode.InvalidPortalConfig]: 422,
  [SyndicationErrorCode.EndpointNotAllowed]: 422,
  [SyndicationErrorCode.SecretsNotConfigured]: 503,
  [SyndicationErrorCode.ListingNotFound]: 404,
  [SyndicationErrorCode.PortalRules]: 422,
  [SyndicationErrorCode.NotRetryable]: 409,
}) {}
