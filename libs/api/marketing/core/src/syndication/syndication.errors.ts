import { featureError } from '@ppt/observability';

export enum SyndicationErrorCode {
  UnknownPortal = 'UNKNOWN_PORTAL',
  PortalNotConfigured = 'PORTAL_NOT_CONFIGURED',
  InvalidPortalConfig = 'INVALID_PORTAL_CONFIG',
  EndpointNotAllowed = 'PORTAL_ENDPOINT_NOT_ALLOWED',
  SecretsNotConfigured = 'SECRETS_NOT_CONFIGURED',
  ListingNotFound = 'LISTING_NOT_FOUND',
  ListingNotYours = 'LISTING_NOT_YOURS',
  PortalRules = 'PORTAL_RULES_NOT_MET',
  NotRetryable = 'SYNDICATION_NOT_RETRYABLE',
  WebhookSignatureInvalid = 'WEBHOOK_SIGNATURE_INVALID',
  WebhookTimestampStale = 'WEBHOOK_TIMESTAMP_STALE',
  WebhookPayloadInvalid = 'WEBHOOK_PAYLOAD_INVALID',
  WebhookNotJson = 'WEBHOOK_NOT_JSON',
  InvalidDateRange = 'INVALID_DATE_RANGE',
  PortalNotEnabled = 'PORTAL_NOT_ENABLED',
  ListingClosed = 'LISTING_CLOSED',
}

export class SyndicationError extends featureError<SyndicationErrorCode>({
  [SyndicationErrorCode.UnknownPortal]: 404,
  [SyndicationErrorCode.PortalNotConfigured]: 404,
  [SyndicationErrorCode.InvalidPortalConfig]: 422,
  [SyndicationErrorCode.EndpointNotAllowed]: 422,
  [SyndicationErrorCode.SecretsNotConfigured]: 503,
  [SyndicationErrorCode.ListingNotFound]: 404,
  [SyndicationErrorCode.ListingNotYours]: 403,
  [SyndicationErrorCode.PortalRules]: 422,
  [SyndicationErrorCode.NotRetryable]: 409,
  [SyndicationErrorCode.WebhookSignatureInvalid]: 401,
  [SyndicationErrorCode.WebhookTimestampStale]: 401,
  [SyndicationErrorCode.WebhookPayloadInvalid]: 400,
  [SyndicationErrorCode.WebhookNotJson]: 415,
  [SyndicationErrorCode.InvalidDateRange]: 400,
  [SyndicationErrorCode.PortalNotEnabled]: 422,
  [SyndicationErrorCode.ListingClosed]: 409,
}) {}
