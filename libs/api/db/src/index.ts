import {
  AssistantConversation,
  AssistantDraft,
  AssistantMessage,
  AssistantSettings,
  AssistantUsage,
} from './assistant.entity';
import { AlertInstance, AlertRule } from './alert.entity';
import { AuditLogEntry } from './audit-log-entry.entity';
import { Building } from './building.entity';
import { ConsumedEvent } from './consumed-event.entity';
import { Conversation, ConversationMessage, ConversationParticipant } from './conversation.entity';
import { Document, UploadChunk, UploadSession } from './document.entity';
import { EmailToken } from './email-token.entity';
import { Fault, FaultComment, FaultStatusChange } from './fault.entity';
import { Charge, Expense, Payment } from './finance.entity';
import { HealthSample } from './health-sample.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import {
  ListingPortalStats,
  ListingSyndication,
  ListingSyndicationTransition,
  PortalTarget,
  PortalWebhookReceipt,
} from './syndication.entity';
import { Inspection, InspectionItem } from './inspection.entity';
import {
  Announcement,
  AnnouncementComment,
  AnnouncementReceipt,
  AnnouncementRecipient,
} from './announcement.entity';
import { Lease, LeaseAddendum, LeaseCoTenant, LeaseEndingNotice, LeaseLifecycleRun } from './lease.entity';
import { Notification, NotificationPreference } from './notification.entity';
import { NotificationDelivery, NotificationSettings, PushSubscription } from './notification-delivery.entity';
import { Listing, ListingInquiry, ListingInquiryReply, ListingStatusChange } from './listing.entity';
import { Membership } from './membership.entity';
import { Meter, MeterReading, ReadingPeriod } from './meter.entity';
import { OAuthClient } from './oauth-client.entity';
import { Organization } from './organization.entity';
import { OrganizationInvitation } from './organization-invitation.entity';
import { OutboxEvent } from './outbox-event.entity';
import { Person, PersonInvitation } from './person.entity';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';
import { Unit } from './unit.entity';
import { UnitOccupant } from './unit-occupant.entity';
import { User } from './user.entity';
import { Vendor } from './vendor.entity';
import {
  Vote,
  VoteBallot,
  VoteDelegation,
  VoteEligibleUnit,
  VoteOption,
  VoteParticipation,
  VoteQuestion,
} from './vote.entity';

export {
  Announcement,
  AnnouncementComment,
  AnnouncementReceipt,
  AnnouncementRecipient,
  ANNOUNCEMENT_STATUSES,
  AUDIENCE_TYPES,
  type AnnouncementStatus,
  type AudienceType,
} from './announcement.entity';
export {
  ASSISTANT_DRAFT_KINDS,
  ASSISTANT_MESSAGE_ROLES,
  ASSISTANT_PROVIDERS,
  AssistantConversation,
  AssistantDraft,
  AssistantMessage,
  AssistantSettings,
  AssistantUsage,
  type AssistantCitation,
  type AssistantDraftKind,
  type AssistantMessageRole,
  type AssistantProvider,
} from './assistant.entity';
export { AlertInstance, AlertRule, type AlertChannels } from './alert.entity';
export { AuditLogEntry } from './audit-log-entry.entity';
export { BaseEntity } from './base.entity';
export { Building, BUILDING_TYPES, type BuildingType } from './building.entity';
export { ConsumedEvent } from './consumed-event.entity';
export {
  Conversation,
  CONVERSATION_KINDS,
  ConversationMessage,
  ConversationParticipant,
  type ConversationKind,
} from './conversation.entity';
export {
  Document,
  DOCUMENT_CATEGORIES,
  DOCUMENT_STATUSES,
  DOCUMENT_TEXT_STATUSES,
  DOCUMENT_VISIBILITIES,
  UPLOAD_STATUSES,
  UploadChunk,
  UploadSession,
  type DocumentCategory,
  type DocumentStatus,
  type DocumentTextStatus,
  type DocumentVisibility,
  type UploadStatus,
} from './document.entity';
export { EMAIL_TOKEN_PURPOSES, EmailToken, type EmailTokenPurpose } from './email-token.entity';
export {
  Fault,
  FAULT_CATEGORIES,
  FAULT_PRIORITIES,
  FAULT_STATUSES,
  FaultComment,
  FaultStatusChange,
  type FaultCategory,
  type FaultPriority,
  type FaultStatus,
} from './fault.entity';
export {
  Charge,
  CHARGE_KINDS,
  CHARGE_STATUSES,
  Expense,
  EXPENSE_CATEGORIES,
  Payment,
  PAYMENT_METHODS,
  type ChargeKind,
  type ChargeStatus,
  type ExpenseCategory,
  type PaymentMethod,
} from './finance.entity';
export { IdempotencyKey } from './idempotency-key.entity';
export {
  HEALTH_APPS,
  HEALTH_STATUSES,
  HealthSample,
  type HealthApp,
  type HealthStatus,
} from './health-sample.entity';
export { Inspection, InspectionItem } from './inspection.entity';
export {
  Lease,
  LeaseAddendum,
  LeaseCoTenant,
  LeaseEndingNotice,
  LeaseLifecycleRun,
  LEASE_STATUSES,
  type LeaseAddendumChanges,
  type LeaseStatus,
} from './lease.entity';
export {
  ENERGY_CLASSES,
  LEAD_STATUSES,
  Listing,
  ListingInquiry,
  ListingInquiryReply,
  ListingStatusChange,
  LISTING_STATUSES,
  LISTING_TRANSACTIONS,
  PROPERTY_TYPES,
  type EnergyClass,
  type LeadStatus,
  type ListingPortalOverrides,
  type ListingStatus,
  type ListingTransaction,
  type PropertyType,
} from './listing.entity';
export { Meter, METER_TYPES, MeterReading, ReadingPeriod, type MeterType } from './meter.entity';
export { Membership } from './membership.entity';
export {
  Notification,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  NotificationPreference,
  type NotificationChannel,
  type NotificationType,
} from './notification.entity';
export {
  DELIVERY_STATUSES,
  NotificationDelivery,
  NotificationSettings,
  PushSubscription,
  type DeliveryStatus,
} from './notification-delivery.entity';
export { OAuthClient } from './oauth-client.entity';
export { Organization } from './organization.entity';
export { OrganizationInvitation } from './organization-invitation.entity';
export { OutboxEvent } from './outbox-event.entity';
export { Person, PersonInvitation, RESIDENT_ROLES, type ResidentRole } from './person.entity';
export { RefreshToken } from './refresh-token.entity';
export { Session } from './session.entity';
export { TenantEntity, TenantRecord } from './tenant.entity';
export { OCCUPANT_RELATIONS, UnitOccupant, type OccupantRelation } from './unit-occupant.entity';
export { Unit, UNIT_STATUSES, UNIT_TYPES, type UnitStatus, type UnitType } from './unit.entity';
export { User } from './user.entity';
export { Vendor } from './vendor.entity';
export {
  MAJORITY_RULES,
  Vote,
  VOTE_KINDS,
  VOTE_STATUSES,
  VoteBallot,
  VoteDelegation,
  VoteEligibleUnit,
  VoteOption,
  VoteParticipation,
  VoteQuestion,
  type MajorityRule,
  type VoteKind,
  type VoteQuestionResult,
  type VoteStatus,
} from './vote.entity';

export {
  ListingPortalStats,
  ListingSyndication,
  ListingSyndicationTransition,
  PortalTarget,
  PortalWebhookReceipt,
  SYNDICATION_PORTALS,
  SYNDICATION_STATUSES,
  type SyndicationPortal,
  type SyndicationStatus,
} from './syndication.entity';

/** Every entity of the PM schema, for DataSource definitions. */
export const PM_ENTITIES = [
  Organization,
  User,
  Membership,
  OrganizationInvitation,
  Session,
  RefreshToken,
  EmailToken,
  OAuthClient,
  AuditLogEntry,
  Building,
  Unit,
  OutboxEvent,
  ConsumedEvent,
  Person,
  PersonInvitation,
  Lease,
  LeaseCoTenant,
  LeaseAddendum,
  LeaseEndingNotice,
  LeaseLifecycleRun,
  Vendor,
  Fault,
  FaultStatusChange,
  FaultComment,
  Meter,
  ReadingPeriod,
  MeterReading,
  UnitOccupant,
  Inspection,
  InspectionItem,
  Listing,
  ListingStatusChange,
  ListingInquiry,
  ListingInquiryReply,
  Document,
  UploadSession,
  UploadChunk,
  Announcement,
  AnnouncementReceipt,
  AnnouncementRecipient,
  AnnouncementComment,
  Notification,
  NotificationPreference,
  NotificationDelivery,
  PushSubscription,
  NotificationSettings,
  Conversation,
  ConversationParticipant,
  ConversationMessage,
  Vote,
  VoteQuestion,
  VoteOption,
  VoteEligibleUnit,
  VoteDelegation,
  VoteParticipation,
  VoteBallot,
  Charge,
  Payment,
  Expense,
  IdempotencyKey,
  HealthSample,
  PortalTarget,
  ListingSyndication,
  ListingSyndicationTransition,
  PortalWebhookReceipt,
  ListingPortalStats,
  AssistantSettings,
  AssistantConversation,
  AssistantMessage,
  AssistantUsage,
  AssistantDraft,
  AlertRule,
  AlertInstance,
];
