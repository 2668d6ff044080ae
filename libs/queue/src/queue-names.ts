import type { JobOptions } from 'bull';

/** Every Bull queue of the platform. Job names and payload types live beside each queue's feature. */
export const QueueName = {
  /** Listing syndication to external portals. */
  Syndication: 'syndication',
  /** Scheduled and housekeeping work (repeatable jobs registered by the worker). */
  Maintenance: 'maintenance',
  /** Listing events for the Reality Portal's read model (job id = event id; see EVENT_QUEUES). */
  PortalFeed: 'portal-feed',
  /** Inquiries sent on the portal, delivered to api-server by the portal worker (job id = inquiry id). */
  PortalInquiries: 'portal-inquiries',
  /**
   * Account e-mails (verification, password reset, "someone tried to register"), sent by the api
   * worker: a register or forgot-password request then does the same work whether or not the
   * account exists, so its answer and timing tell nothing.
   */
  IdentityMail: 'identity-mail',
  /**
   * Notifications that reach people: domain events routed here become one job per recipient and
   * channel (job id = event id + recipient + channel), sent by e-mail or Web Push by the api worker;
   * jobs that exhausted their retries stay as dead letters (Bull Board).
   */
  Notifications: 'notifications',
  /** The portal's saved-search alerts: a repeatable collection job, run by the portal worker. */
  PortalAlerts: 'portal-alerts',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

/** Repeatable jobs of the maintenance queue (registered once by the api worker). */
export const MaintenanceJob = {
  /** Daily: announce leases ending in 90/60/30 days, expire leases past their end date. */
  LeaseLifecycle: 'lease-lifecycle',
  /** Daily: pending charges past their due date become overdue (one payment.overdue event each). */
  FinanceOverdue: 'finance-overdue',
  /** Every minute: open votes whose end time has passed are closed (results stored, vote.closed). */
  VotesCloseDue: 'votes-close-due',
  /** Every minute: scheduled announcements whose publish time has come are published. */
  AnnouncementsPublishDue: 'announcements-publish-due',
  /** Hourly: abort uploads abandoned for 24 h, delete their rows; remove objects of deleted documents. */
  DocumentStorageCleanup: 'document-storage-cleanup',
  /** One deleted document's object (job id `document-object:<documentId>`). */
  RemoveDocumentObject: 'remove-document-object',
  /** One document's text, for search and the assistant (job id `document-text:<documentId>`). */
  ExtractDocumentText: 'extract-document-text',
  /** Daily: portal webhook receipts older than 30 days are deleted. */
  WebhookReceiptsExpire: 'webhook-receipts-expire',
  /** Daily: Idempotency-Key answers older than 7 days are deleted. */
  IdempotencyKeysExpire: 'idempotency-keys-expire',
  /** Every minute: each app's dependencies as its readiness check sees them; samples past the retention deleted. */
  HealthHistoryRecord: 'health-history-record',
  /** Every minute: platform alert rules are evaluated; state changes queue deliveries. */
  AlertRulesEvaluate: 'alert-rules-evaluate',
  /** One alert state change to one channel of its rule (job id `alert:<instance>:<state>:<channel>`). */
  DeliverAlert: 'deliver-alert',
  /**
   * Every 10 minutes (and on an operator's request): current document versions without search chunks
   * are indexed, chunks without a vector of their organisation's embedding model re-embedded, in bounded batches.
   */
  DocumentSearchBackfill: 'document-search-backfill',
} as const;
export type MaintenanceJob = (typeof MaintenanceJob)[keyof typeof MaintenanceJob];

/** Payload of the per-document maintenance jobs. */
export interface DocumentJobData {
  organizationId: string;
  documentId: string;
}

/** Payload of a deliver-alert job: the instance and the state it reached (firing or resolved). */
export type AlertDeliveryJobData = {
  instanceId: string;
  state: 'firing' | 'resolved';
} & ({ channel: 'email'; /** One address per job: a retry re-sends to it only. */ to: string } | { channel: 'webhook' | 'in-app' });

/** Jobs of the syndication queue (besides the listing events EVENT_QUEUES routes there). */
export const SyndicationJob = {
  /** One listing on one portal: make the portal show what we want (job id `sync:<listing>:<portal>:<version>:<action>`). */
  PortalSync: 'portal-sync',
  /**
   * Nightly (repeatable, registered by the worker): every enabled portal's own list is compared with
   * ours and the differences are repaired through portal-sync jobs (OpenImmo: a VOLL transfer).
   */
  Reconcile: 'reconcile-portals',
  /** A portal was turned on: every listing on the market goes there (data `{ organizationId, portal }`). */
  PlanPortal: 'plan-portal',
  /**
   * Every 10 minutes (repeatable, registered by the worker): the OpenImmo import reports portals left
   * on their FTP/SFTP servers are read, applied (refused adverts, inquiries) and deleted there.
   */
  ReadPortalReports: 'read-portal-reports',
  /**
   * Operator command (`npm run admin -- portal:rebuild`): every listing on our own portal is sent to
   * its read model again through portal-sync jobs (data `{ organizationId?: string }`).
   */
  RebuildRealityPortal: 'rebuild-reality-portal',
} as const;

/** Payload of a portal-sync job. */
export interface PortalSyncJobData {
  organizationId: string;
  listingId: string;
  portal: string;
  /** The listing version this job carries; an older job finding a newer one wanted stands down. */
  version: number;
  /** List (create or update) or remove the advert. */
  action: 'list' | 'remove';
  /** How often this change was put off because its listing or portal was busy (delayed copies). */
  deferrals?: number;
}

/**
 * Jobs of the portal-feed queue besides the listing events: api-server's reconciliation asks the
 * portal worker about its read model (the job's return value is the answer).
 */
export const PortalFeedJob = {
  /** `{ organizationId }` → `PortalFeedListing[]`: the organisation's listings the portal shows. */
  List: 'list-portal-listings',
  /** `{ organizationId, listingId }`: a listing api-server no longer has comes off the portal. */
  Withdraw: 'withdraw-portal-listing',
} as const;

/** One listing the portal shows, as the reconciliation compares it. */
export interface PortalFeedListing {
  listingId: string;
  priceAmount: number;
  version: number;
}

/** Jobs of the portal-inquiries queue. */
export const PortalInquiryJob = {
  /** One inquiry to api-server (job id = inquiry id). */
  Deliver: 'deliver-inquiry',
  /** Repeatable: re-queues stored inquiries whose job was lost or gave up during an outage. */
  Sweep: 'sweep-inquiries',
  /** api-server's worker hands the realtor's reply over for the signed-in visitor (job id `reply:<replyId>`). */
  Reply: 'reply-to-inquiry',
} as const;

/** Payload of a reply-to-inquiry job (the portal's inquiry id is the one it delivered). */
export interface PortalInquiryReplyJobData {
  portalInquiryId: string;
  replyId: string;
  message: string;
  repliedAt: string;
}

/** Jobs of the identity-mail queue; the worker looks the account up, makes any token, and sends. */
export const IdentityMailJob = {
  /** A new account's address-confirmation link. */
  VerifyEmail: 'verify-email',
  /** A password-reset link, if the address belongs to an enabled account (nothing otherwise). */
  PasswordReset: 'password-reset',
  /** Someone registered with an address that already has an account: tell its owner instead. */
  RegistrationAttempted: 'registration-attempted',
} as const;
export type IdentityMailJob = (typeof IdentityMailJob)[keyof typeof IdentityMailJob];

/** Payloads of the identity-mail jobs (addresses only, never tokens: the worker makes those). */
export interface IdentityMailJobData {
  [IdentityMailJob.VerifyEmail]: { userId: string };
  [IdentityMailJob.PasswordReset]: { email: string };
  [IdentityMailJob.RegistrationAttempted]: { email: string };
}

/** Jobs of the notifications queue (besides the domain events EVENT_QUEUES routes there). */
export const NotificationJob = {
  /** One notification to one user on one channel (job id = the delivery's job id). */
  Deliver: 'deliver-notification',
  /** One user's e-mails held for the daily digest (job id `digest:<organization>:<user>:<day>`). */
  Digest: 'send-digest',
  /**
   * Hourly (repeatable, registered by the worker): votes closing within 24 hours, meter-reading
   * periods opening today or due in 3 days; each cause is told once (keyed by the vote or period).
   */
  Reminders: 'notification-reminders',
  /**
   * New listings matching a portal visitor's saved searches, collected by the portal worker: one
   * e-mail to the visitor (the api worker knows the address), job id `saved-search-alert:<user>:<run>`.
   */
  SavedSearchAlert: 'saved-search-alert',
} as const;
export type NotificationJob = (typeof NotificationJob)[keyof typeof NotificationJob];

export interface NotificationJobData {
  [NotificationJob.Deliver]: { organizationId: string; deliveryId: string };
  [NotificationJob.Digest]: { organizationId: string; userId: string };
  [NotificationJob.Reminders]: Record<string, never>;
  [NotificationJob.SavedSearchAlert]: SavedSearchAlertData;
}

/** What a saved-search alert e-mail says (made by the portal worker; links are absolute). */
export interface SavedSearchAlertData {
  userId: string;
  /** One-click link turning all of the visitor's alerts off (List-Unsubscribe). */
  unsubscribeAllUrl: string;
  searches: {
    name: string;
    /** Turns this search's alert off. */
    unsubscribeUrl: string;
    listings: { title: string; url: string; price: string; city: string }[];
  }[];
}

/** Jobs of the portal-alerts queue. */
export const PortalAlertJob = {
  /** Every 10 minutes (repeatable, registered by the portal worker): instant and due daily alerts. */
  Collect: 'collect-saved-search-alerts',
} as const;

export const DEFAULT_JOB_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_DELAY_MS = 2000;
/** Completed jobs kept for inspection in Bull Board; failed jobs are kept (dead letters). */
export const COMPLETED_JOBS_KEPT = 1000;

export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: DEFAULT_JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: DEFAULT_BACKOFF_DELAY_MS },
  removeOnComplete: COMPLETED_JOBS_KEPT,
  removeOnFail: false,
};
