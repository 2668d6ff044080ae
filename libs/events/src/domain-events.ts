import { QueueName } from '@ppt/queue';

/**
 * Every domain event type with its payload, in one place. Producers write them to the outbox in the
 * transaction of the change; consumers receive `DomainEvent<T>` at least once and apply it once.
 */
/** A listing as the portals show it: every listing event carries the whole of it. */
export interface ListingSnapshot {
  listingId: string;
  status: string;
  transaction: string;
  propertyType: string;
  title: string;
  description: string;
  priceAmount: number;
  currency: string;
  areaM2: number | null;
  rooms: number | null;
  floor: number | null;
  energyClass: string | null;
  features: string[];
  addressLine: string;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
  photoDocumentIds: string[];
  contactUserId: string | null;
  publishedAt: string | null;
}

export interface DomainEventPayloads {
  /** An organisation was created with its first org_admin (POST /organizations, or the admin CLI). */
  'organization.created': { organizationId: string; name: string; slug: string; adminUserId: string };
  /** An in-app notification row was written (the WebSocket gateway delivers it to room `user:<userId>`). */
  'notification.created': { notificationId: string; userId: string; type: string; title: string };
  'fault.created': {
    faultId: string;
    buildingId: string;
    unitId: string | null;
    priority: string;
    title: string;
    /** Who reported it: a resident (own FaultRead) hears of their own fault on the WebSocket. */
    reporterUserId?: string;
  };
  /** buildingId and unitId route it to the residents' WebSocket rooms (libs/realtime). */
  'fault.status_changed': {
    faultId: string;
    buildingId: string;
    unitId: string | null;
    from: string;
    to: string;
    changedBy: string;
    reporterUserId?: string;
  };
  /** A staff member became the fault's assignee. */
  'fault.assigned': { faultId: string; assigneeUserId: string; assignedBy: string };
  'lease.activated': { leaseId: string; unitId: string; startDate: string; endDate: string | null };
  'lease.ending_soon': { leaseId: string; unitId: string; endDate: string; daysLeft: 90 | 60 | 30 };
  'lease.amended': {
    leaseId: string;
    unitId: string;
    addendumNumber: number;
    effectiveFrom: string;
    changes: Record<string, unknown>;
  };
  'announcement.published': { announcementId: string; title: string; urgent: boolean; audienceType: string };
  'message.sent': {
    messageId: string;
    conversationId: string;
    conversationKind: string;
    buildingId: string | null;
    senderUserId: string;
    seq: number;
    attachmentCount: number;
    sentAt: string;
  };
  'listing.published': ListingSnapshot;
  'listing.updated': ListingSnapshot;
  'listing.status_changed': ListingSnapshot & { previousStatus: string };
  /** A listing back on the market after a withdrawal: its portals list it again (held rows released). */
  'listing.republished': { listingId: string; version: number; portals: string[] };
  /** A portal refused an organisation's credentials: its jobs stop until a manager saves new ones. */
  'syndication.credentials_rejected': { portal: string; errorCode: string; portalStatus: string | null };
  /**
   * A new inquiry (from our portal or another portal) for the listing's realtor, not folded into one
   * the same visitor sent within a day. Ids only: events are also announced on the organisation's
   * channel, and the visitor's contact details are for the realtor alone.
   */
  'listing.inquiry_received': { listingId: string; inquiryId: string; contactUserId: string };
  /**
   * The realtor replied to an inquiry: the api worker e-mails the reply to the inquirer (and hands it
   * to our portal for a signed-in visitor). Ids only, as above.
   */
  'listing.inquiry_replied': { listingId: string; inquiryId: string; replyId: string };
  'syndication.status_changed': {
    syndicationId: string;
    listingId: string;
    portal: string;
    from: string | null;
    to: string;
    errorCode: string | null;
    error: string | null;
  };
  /** Nightly reconciliation found a portal showing something else than we want (and queued the repair). */
  'syndication.drift_detected': {
    listingId: string;
    portal: string;
    /**
     * missing: active here, not on the portal; price: the portal shows another price; unexpected: on
     * the portal although withdrawn, held or sold here; unknown: on the portal under a listing id we do
     * not have (a deleted listing); untracked: on the portal and on the market here, but never planned
     * for that portal (taken over: listed again from our data).
     */
    kind: 'missing' | 'price' | 'unexpected' | 'unknown' | 'untracked';
    externalId: string | null;
    detail: string;
    /** What was done about it: a list or remove job queued, or the advert removed at once (unknown). */
    repair: 'list' | 'remove';
  };
  'meter_reading.submitted': {
    readingId: string;
    meterId: string;
    unitId: string;
    value: string;
    readAt: string;
  };
  'vote.opened': {
    voteId: string;
    title: string;
    kind: string;
    secret: boolean;
    buildingIds: string[];
    startAt: string;
    endAt: string;
    eligibleUnitCount: number;
    /** Exact, "numerator/denominator". */
    eligibleWeight: string;
  };
  'vote.closed': {
    voteId: string;
    closedAt: string;
    eligibleWeight: string;
    /**
     * The ballot chain's final head (hash of the last ballot; null without ballots) and length, so the
     * closed chain can be anchored outside the database (a later rewrite of the chain no longer matches).
     */
    chainHead: string | null;
    ballotCount: number;
    results: {
      questionId: string;
      quorumReached: boolean;
      outcome: string;
      winningOptionId: string | null;
      participatingWeight: string;
    }[];
  };
  'vote.cancelled': { voteId: string; title: string };
  'charge.created': {
    chargeId: string;
    unitId: string;
    leaseId: string | null;
    personId: string | null;
    kind: string;
    amount: number;
    currency: string;
    dueDate: string;
  };
  'charge.cancelled': { chargeId: string; unitId: string; amount: number; currency: string };
  'payment.recorded': {
    paymentId: string;
    chargeId: string;
    unitId: string;
    personId: string | null;
    amount: number;
    currency: string;
    paidOn: string;
    method: string;
    chargeStatus: string;
    outstandingAmount: number;
  };
  /** A payment undone by a reversing entry; the charge owes `amount` again. */
  'payment.reversed': {
    paymentId: string;
    reversalId: string;
    chargeId: string;
    amount: number;
    currency: string;
    reason: string;
    chargeStatus: string;
    outstandingAmount: number;
  };
  'payment.overdue': {
    chargeId: string;
    unitId: string;
    leaseId: string | null;
    personId: string | null;
    outstandingAmount: number;
    currency: string;
    dueDate: string;
  };
  /**
   * A document version's text is ready (extracted): document search indexes it, replacing the chunks
   * of the versions before it (`previousVersionId` is the version it follows, if any).
   */
  'document.text_extracted': { documentId: string; previousVersionId: string | null };
  /** A document was deleted: its chunks leave the search index. */
  'document.deleted': { documentId: string };
}

export type DomainEventType = keyof DomainEventPayloads;

export const AGGREGATE_OF: Record<DomainEventType, string> = {
  'organization.created': 'organization',
  'notification.created': 'notification',
  'fault.created': 'fault',
  'fault.status_changed': 'fault',
  'fault.assigned': 'fault',
  'lease.activated': 'lease',
  'lease.ending_soon': 'lease',
  'lease.amended': 'lease',
  'meter_reading.submitted': 'meter_reading',
  'announcement.published': 'announcement',
  'message.sent': 'conversation',
  'vote.opened': 'vote',
  'vote.closed': 'vote',
  'vote.cancelled': 'vote',
  'charge.created': 'charge',
  'charge.cancelled': 'charge',
  'payment.recorded': 'charge',
  'payment.reversed': 'charge',
  'payment.overdue': 'charge',
  'listing.published': 'listing',
  'listing.updated': 'listing',
  'listing.status_changed': 'listing',
  'listing.inquiry_received': 'listing',
  'listing.inquiry_replied': 'listing',
  'syndication.status_changed': 'listing_syndication',
  'syndication.drift_detected': 'listing',
  'listing.republished': 'listing',
  'syndication.credentials_rejected': 'portal_target',
  'document.text_extracted': 'document',
  'document.deleted': 'document',
};

/**
 * The Bull queues that carry each event type to its consumers (one job per event and queue, job id =
 * event id). Every event also goes out on its organisation's Redis channel; a type routed nowhere is
 * only announced there.
 */
export const EVENT_QUEUES: { readonly [T in DomainEventType]: readonly QueueName[] } = {
  // Only announced on the organisation's channel, for the WebSocket gateway.
  'notification.created': [],
  'organization.created': [],
  // Who is told what (docs/notifications.md): one job per recipient and channel from each of these.
  'fault.created': [QueueName.Notifications],
  'fault.status_changed': [QueueName.Notifications],
  'fault.assigned': [QueueName.Notifications],
  'lease.activated': [],
  'lease.ending_soon': [QueueName.Notifications],
  'lease.amended': [],
  'meter_reading.submitted': [],
  'announcement.published': [QueueName.Notifications],
  'message.sent': [],
  'vote.opened': [QueueName.Notifications],
  'vote.closed': [QueueName.Notifications],
  'vote.cancelled': [],
  'charge.created': [],
  'charge.cancelled': [],
  'payment.recorded': [],
  'payment.reversed': [],
  'payment.overdue': [QueueName.Notifications],
  // Syndication decides, per portal, what each listing change means (our own portal included).
  'listing.published': [QueueName.Syndication],
  'listing.updated': [QueueName.Syndication],
  'listing.status_changed': [QueueName.Syndication],
  // The realtor's e-mail about a new lead is sent by the api worker.
  'listing.inquiry_received': [QueueName.Maintenance],
  'listing.inquiry_replied': [QueueName.Maintenance],
  'syndication.status_changed': [],
  'syndication.drift_detected': [],
  'listing.republished': [],
  'syndication.credentials_rejected': [QueueName.Notifications],
  // Document search indexes (and un-indexes) in the api worker.
  'document.text_extracted': [QueueName.Maintenance],
  'document.deleted': [QueueName.Maintenance],
};

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  organizationId: string;
  aggregateId: string;
  aggregateVersion: number;
  payload: DomainEventPayloads[T];
  occurredAt: string;
}

/**
 * The Redis stream every published event is also appended to (all organisations, bounded). Pub/sub
 * drops what is published while a subscriber reconnects; a stream reader resumes from its last id,
 * so the WebSocket gateways (libs/realtime) miss nothing across a Redis outage.
 */
export function eventStreamKey(keyPrefix: string): string {
  return `${keyPrefix}events:stream`;
}

/** Approximate length of the event stream (XADD MAXLEN ~): minutes of events, enough for a reconnect. */
export const EVENT_STREAM_LENGTH = 10_000;

/** The Redis channel on which an organisation's events are announced. */
export function organizationChannel(keyPrefix: string, organizationId: string): string {
  return `${keyPrefix}events:org:${organizationId}`;
}
