import type { OutboundError } from '@ppt/outbound';
import type { SyndicationListing, SyndicationRef } from './syndication-listing';

/** One rule a listing breaks for one portal, phrased for the manager who has to fix it. */
export interface PreflightIssue {
  field: string;
  rule: string;
  message: string;
}

/** Where the listing lives on the portal after a successful publish. */
export interface PublishedAdvert {
  externalId: string;
  url: string | null;
}

/** One advert as the portal lists it (reconciliation). */
export interface RemoteAdvert {
  externalId: string;
  /** Our listing id, when the portal kept it (e.g. Sreality's advert_rkid). */
  listingId: string | null;
  /** Minor units, when the portal reports a price. */
  priceAmount: number | null;
}

/** A configured portal of one organisation: decrypted credentials and its options. */
export interface PortalTarget<Credentials = Record<string, unknown>, Options = Record<string, unknown>> {
  organizationId: string;
  credentials: Credentials;
  options: Options;
  /**
   * Set by the portal job that runs the call: the row's status-change count after the job claimed it.
   * It never goes down for a listing on a portal, and it grows between any two runs that could send
   * different things (a claim, a success, a replan each change the status). Portals that order what we send by a version of our own (the Reality
   * Portal's feed) build it from this; the others ignore it. Absent outside portal jobs.
   */
  sequence?: number;
  /**
   * Set by the portal job: one id per delivery intent (a planned change of the row), the same for
   * every retry of it and new for the next change, even at the same listing version (a portal
   * turned off and on, a re-send after a withdrawal). Portals that de-duplicate by a message id of
   * ours (Standard Webhooks' `webhook-id`) derive it from this.
   */
  intent?: string;
}

/**
 * One external portal behind one interface. Every call is idempotent by our listing id (the portal's
 * external id follows from it), so a job that runs twice — a retry, a stalled job picked up again —
 * never leaves two copies on the portal.
 */
export interface PortalAdapter<Credentials = Record<string, unknown>, Options = Record<string, unknown>> {
  /** The portal's name in our configuration (the app's adapter registry checks it covers every portal). */
  readonly key: string;
  /**
   * Whether the portal can take this kind of listing at all (country, currency, transaction): a
   * listing's default portal selection is the enabled portals for which this is true.
   */
  appliesTo(listing: SyndicationListing): boolean;
  /** Rules checked before any job runs; an empty list means the portal will accept the listing. */
  preflight(listing: SyndicationListing, target: PortalTarget<Credentials, Options>): PreflightIssue[];
  /** Creates or updates the advert, photos included. */
  publish(listing: SyndicationListing, target: PortalTarget<Credentials, Options>): Promise<PublishedAdvert>;
  /** Takes the advert down; an advert the portal no longer has counts as removed. */
  remove(ref: SyndicationRef, target: PortalTarget<Credentials, Options>): Promise<void>;
  /**
   * The portal's own list of our adverts, where the portal offers one (reconciliation); null when
   * this target has no list configured (the webhook portal without `listUrl`).
   */
  list?(target: PortalTarget<Credentials, Options>): Promise<RemoteAdvert[] | null>;
  /** Replaces the whole set on the portal, for portals that cannot list (OpenImmo VOLL; reconciliation). */
  fullTransfer?(
    listings: SyndicationListing[],
    target: PortalTarget<Credentials, Options>,
  ): Promise<PublishedAdvert[]>;
}

export const PORTAL_ERROR_CODES = [
  'INVALID_LOGIN',
  'INCOMPLETE_DATA',
  'INVALID_DATA',
  'NOT_ENOUGH_PHOTOS',
  'NOT_FOUND',
  'RATE_LIMITED',
  'PORTAL_UNAVAILABLE',
  'PORTAL_REJECTED',
  'ENDPOINT_NOT_ALLOWED',
  /** The portal does not know the realtor (seller) the advert names. */
  'UNKNOWN_SELLER',
  /** The portal's daily quota of calls is used up; the job waits until the portal's next day. */
  'DAILY_LIMIT',
] as const;
export type PortalErrorCode = (typeof PORTAL_ERROR_CODES)[number];

/**
 * A portal said no, or could not be reached. `retryable` decides whether the job tries again (a
 * portal that is down) or fails at once (wrong password, data the portal refuses): retrying those
 * only delays the manager's fix. The message is ours (a status line such as "HTTP 502") and is what
 * the manager sees; `portalMessage` is the portal's own words, for the operators' log only: a
 * remote body never reaches what a user can read (an endpoint pointed at an internal service would
 * otherwise read it out).
 */
export class PortalError extends Error {
  /** Our field the portal named as wrong or missing (e.g. Sreality 452 names its own attribute). */
  field: string | null = null;
  /** The earliest moment a retry can succeed (a daily quota resets at the portal's midnight). */
  retryAt: Date | null = null;
  /**
   * The portal's own status text when it came as a structured status field (an XML-RPC
   * `statusMessage`), already cut to one short line: the only remote words a manager may read.
   * Raw response bodies never go here (they stay in `portalMessage`, for the log).
   */
  statusLine: string | null = null;

  constructor(
    readonly code: PortalErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly portalStatus: number | string | null = null,
    readonly portalMessage: string | null = null,
  ) {
    super(message);
    this.name = 'PortalError';
  }

  with(extra: { field?: string | null; retryAt?: Date | null; statusLine?: string | null }): this {
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.retryAt !== undefined) this.retryAt = extra.retryAt;
    if (extra.statusLine !== undefined) this.statusLine = extra.statusLine;
    return this;
  }
}

/** A remote status text as one short printable line (at most `max` characters), or null. */
export function shortStatusLine(text: unknown, max = 160): string | null {
  if (typeof text !== 'string') return null;
  const printable = [...text]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('');
  const line = printable.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Network failures and timeouts are worth another attempt; everything else we do not know is not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PortalError) return err.retryable;
  const code = (err as { code?: string } | null)?.code;
  return (
    typeof code === 'string' &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ].includes(code)
  );
}

/**
 * What the guarded agent refused (an address it may not reach, a redirect, an oversized answer),
 * as a PortalError that is not retried: the endpoint must change first. `prefix` names the portal.
 */
export function refusedCall(err: OutboundError, prefix: string): PortalError {
  // What a host name resolves to stays in the worker's log (portalMessage): shown to the manager it
  // would let them map internal DNS names through the endpoint setting.
  if (err.code === 'OUTBOUND_ADDRESS_REFUSED')
    return new PortalError(
      'ENDPOINT_NOT_ALLOWED',
      `${prefix}: the endpoint's address is not allowed`,
      false,
      null,
      err.message,
    );
  return new PortalError(
    err.code === 'OUTBOUND_URL_REFUSED' ? 'ENDPOINT_NOT_ALLOWED' : 'PORTAL_REJECTED',
    `${prefix}: ${err.message}`,
    false,
  );
}
