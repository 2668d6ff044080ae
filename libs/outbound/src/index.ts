export { AddressPolicy, refusedRange } from './address-policy';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  GuardedHttp,
  HTTP_SCHEMES,
  type UrlSchemes,
  type OutboundOptions,
  type OutboundRequest,
  type OutboundResponse,
} from './guarded-http';
export { OutboundError, outboundErrorIn, type OutboundErrorCode } from './outbound.errors';
