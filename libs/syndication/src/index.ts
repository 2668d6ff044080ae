export {
  isRetryable,
  PORTAL_ERROR_CODES,
  PortalError,
  shortStatusLine,
  type PortalAdapter,
  type PortalErrorCode,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
  type RemoteAdvert,
} from './portal-adapter';
export { OpenImmoAdapter, type OpenImmoCredentials, type OpenImmoOptions } from './openimmo/openimmo.adapter';
export {
  parseOpenImmoReport,
  type OpenImmoReport,
  type OpenImmoReportError,
  type OpenImmoReportInquiry,
} from './openimmo/openimmo-feedback';
export { OPENIMMO_ENDPOINT_SCHEMES } from './openimmo/openimmo-file-drop';
export { checkRules, rulesApply, type PortalRules } from './preflight';
export { SrealityAdapter } from './sreality/sreality.adapter';
export type { SrealityCredentials, SrealityOptions } from './sreality/sreality-session';
export {
  majorUnits,
  minorUnits,
  type SyndicationContact,
  type SyndicationListing,
  type SyndicationPhoto,
  type SyndicationRef,
} from './syndication-listing';
export {
  WebhookAdapter,
  type ListingWebhookEvent,
  type WebhookCredentials,
  type WebhookOptions,
} from './webhook/webhook.adapter';
export { signWebhook, verifyWebhook, type WebhookCheck } from './webhook/webhook-signature';
export {
  OPENIMMO_ENERGY_CERTIFICATE_TYPES,
  SREALITY_BUILDING_CONDITIONS,
  SREALITY_BUILDING_TYPES,
  SREALITY_LOCALITY_ACCURACIES,
  SREALITY_OWNERSHIPS,
  validatePortalOverrides,
  type OpenImmoOverrides,
  type PortalOverrides,
  type SrealityOverrides,
} from './portal-overrides';
export { nextPragueMidnight } from './sreality/sreality-codebook';
export { PORTAL_DESCRIPTION_LIMITS } from './description-limits';
