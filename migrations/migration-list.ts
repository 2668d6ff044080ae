import { IdentityFoundation1795297800000 } from './1795297800000-identity-foundation';
import { SessionsAndTenantIsolation1795300000000 } from './1795300000000-sessions-and-tenant-isolation';
import { BuildingsAndUnits1795303000000 } from './1795303000000-buildings-and-units';
import { Outbox1795306000000 } from './1795306000000-outbox';
import { PeopleAndLeases1795309000000 } from './1795309000000-people-and-leases';
import { FaultsAndVendors1795312000000 } from './1795312000000-faults-and-vendors';
import { Meters1795315000000 } from './1795315000000-meters';
import { UnitOccupants1795318000000 } from './1795318000000-unit-occupants';
import { Inspections1795321000000 } from './1795321000000-inspections';
import { LeaseLifecycleScope1795324000000 } from './1795324000000-lease-lifecycle-scope';
import { LeasePartiesAndInvitations1795327000000 } from './1795327000000-lease-parties-and-invitations';
import { Listings1795330000000 } from './1795330000000-listings';
import { PortalSchema1795333000000 } from './1795333000000-portal-schema';
import { Documents1795336000000 } from './1795336000000-documents';
import { Votes1795339000000 } from './1795339000000-votes';
import { AnnouncementsAndNotifications1795342000000 } from './1795342000000-announcements-and-notifications';
import { Conversations1795345000000 } from './1795345000000-conversations';
import { Finance1795348000000 } from './1795348000000-finance';
import { ScheduledClosing1795351000000 } from './1795351000000-scheduled-closing';
import { Syndication1795354000000 } from './1795354000000-syndication';
import { WebhookReceiptRetention1795357000000 } from './1795357000000-webhook-receipt-retention';
import { SyndicationStuckLookup1795360000000 } from './1795360000000-syndication-stuck-lookup';
import { AnnouncementRecipients1795366000000 } from './1795366000000-announcement-recipients';
import { OrganizationInvitations1795369000000 } from './1795369000000-organization-invitations';
import { OperatorPlatformScopes1795375000000 } from './1795375000000-operator-platform-scopes';
import { SessionGeneration1795378000000 } from './1795378000000-session-generation';
import { ServiceDatabaseRoles1795384000000 } from './1795384000000-service-database-roles';
import { PlatformJobsRole1795390000000 } from './1795390000000-platform-jobs-role';
import { MeterReplacements1795400000000 } from './1795400000000-meter-replacements';
import { LeaseOccupancy1795401000000 } from './1795401000000-lease-occupancy';
import { DocumentReach1795410000000 } from './1795410000000-document-reach';
import { UploadIntegrity1795411000000 } from './1795411000000-upload-integrity';
import { OutboxOrderingAndRetention1795420000000 } from './1795420000000-outbox-ordering-and-retention';
import { PaymentReversalsAndIdempotency1795421000000 } from './1795421000000-payment-reversals-and-idempotency';
import { ListFilterIndexes1795422000000 } from './1795422000000-list-filter-indexes';
import { SyndicationPortalChoice1795430000000 } from './1795430000000-syndication-portal-choice';
import { PortalSearchIndexes1795450000000 } from './1795450000000-portal-search-indexes';
import { NotificationDelivery1795530000000 } from './1795530000000-notification-delivery';
import { NotificationReminders1795531000000 } from './1795531000000-notification-reminders';
import { SavedSearchAlerts1795532000000 } from './1795532000000-saved-search-alerts';
import { Assistant1795540000000 } from './1795540000000-assistant';
import { DocumentChunks1795550000000 } from './1795550000000-document-chunks';
import { DocumentChunkEmbeddings1795551000000 } from './1795551000000-document-chunk-embeddings';
import { OutboxTraceContext1795560000000 } from './1795560000000-outbox-trace-context';
import { LeadHandling1795570000000 } from './1795570000000-lead-handling';
import { OwnPortalReconcile1795571000000 } from './1795571000000-own-portal-reconcile';
import { IdempotencyKeyRetention1795572000000 } from './1795572000000-idempotency-key-retention';
import { AssistantOwnerDrafts1795610000000 } from './1795610000000-assistant-owner-drafts';
import { PushSubscriptionsOfMembers1795620000000 } from './1795620000000-push-subscriptions-of-members';
import { PortalTargetsResealOwner1795630000000 } from './1795630000000-portal-targets-reseal-owner';
import { AlertRules1795700000000 } from './1795700000000-alert-rules';
import { HealthSamples1795710000000 } from './1795710000000-health-samples';
import { OrganizationEmbeddings1795720000000 } from './1795720000000-organization-embeddings';
import { DocumentChunkConfigurations1795730000000 } from './1795730000000-document-chunk-configurations';

/** Every migration, oldest first. Listed explicitly so bundlers and tests need no file globbing. */
export const MIGRATIONS = [
  IdentityFoundation1795297800000,
  SessionsAndTenantIsolation1795300000000,
  BuildingsAndUnits1795303000000,
  Outbox1795306000000,
  PeopleAndLeases1795309000000,
  FaultsAndVendors1795312000000,
  Meters1795315000000,
  UnitOccupants1795318000000,
  Inspections1795321000000,
  LeaseLifecycleScope1795324000000,
  LeasePartiesAndInvitations1795327000000,
  Listings1795330000000,
  PortalSchema1795333000000,
  Documents1795336000000,
  Votes1795339000000,
  AnnouncementsAndNotifications1795342000000,
  Conversations1795345000000,
  Finance1795348000000,
  ScheduledClosing1795351000000,
  Syndication1795354000000,
  WebhookReceiptRetention1795357000000,
  SyndicationStuckLookup1795360000000,
  AnnouncementRecipients1795366000000,
  OrganizationInvitations1795369000000,
  OperatorPlatformScopes1795375000000,
  SessionGeneration1795378000000,
  ServiceDatabaseRoles1795384000000,
  PlatformJobsRole1795390000000,
  MeterReplacements1795400000000,
  LeaseOccupancy1795401000000,
  DocumentReach1795410000000,
  UploadIntegrity1795411000000,
  OutboxOrderingAndRetention1795420000000,
  PaymentReversalsAndIdempotency1795421000000,
  ListFilterIndexes1795422000000,
  SyndicationPortalChoice1795430000000,
  PortalSearchIndexes1795450000000,
  NotificationDelivery1795530000000,
  NotificationReminders1795531000000,
  SavedSearchAlerts1795532000000,
  Assistant1795540000000,
  DocumentChunks1795550000000,
  DocumentChunkEmbeddings1795551000000,
  OutboxTraceContext1795560000000,
  LeadHandling1795570000000,
  OwnPortalReconcile1795571000000,
  IdempotencyKeyRetention1795572000000,
  AssistantOwnerDrafts1795610000000,
  PushSubscriptionsOfMembers1795620000000,
  PortalTargetsResealOwner1795630000000,
  AlertRules1795700000000,
  HealthSamples1795710000000,
  OrganizationEmbeddings1795720000000,
  DocumentChunkConfigurations1795730000000,
];
