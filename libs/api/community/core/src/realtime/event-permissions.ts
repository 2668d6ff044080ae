import { Permission } from '@ppt/auth';
import type { DomainEventType } from '@ppt/events';

/**
 * The permission a socket needs to receive each domain event in an organisation, building or unit
 * room: the one the HTTP route that shows the same thing requires (docs/permissions.md). An `all`
 * grant receives every such event of the room; an `own` grant only its own (see ApiRoomPolicy).
 * Typed over every event type, so a new event cannot be added without saying who hears it.
 */
export const EVENT_PERMISSIONS: Readonly<Record<DomainEventType, Permission>> = {
  // Only ever in the user's own room (user rooms are not filtered).
  'notification.created': Permission.NotificationUse,
  // GET /organizations/:id/members shows the same (the new organisation's admin).
  'organization.created': Permission.MemberRead,
  'fault.created': Permission.FaultRead,
  'fault.status_changed': Permission.FaultRead,
  'fault.assigned': Permission.FaultRead,
  'lease.activated': Permission.LeaseRead,
  'lease.ending_soon': Permission.LeaseRead,
  'lease.amended': Permission.LeaseRead,
  'meter_reading.submitted': Permission.MeterRead,
  'announcement.published': Permission.AnnouncementRead,
  // Conversation metadata: people who may hear every conversation, not the whole building.
  'message.sent': Permission.ConversationWithAnyone,
  // GET /votes and /votes/:id (with results once closed) are VoteParticipate (own: one's units' votes).
  'vote.opened': Permission.VoteParticipate,
  'vote.closed': Permission.VoteParticipate,
  'vote.cancelled': Permission.VoteParticipate,
  'charge.created': Permission.FinanceRead,
  'charge.cancelled': Permission.FinanceRead,
  'payment.recorded': Permission.FinanceRead,
  'payment.reversed': Permission.FinanceRead,
  'payment.overdue': Permission.FinanceRead,
  'listing.published': Permission.ListingManage,
  'listing.updated': Permission.ListingManage,
  'listing.status_changed': Permission.ListingManage,
  'listing.republished': Permission.ListingManage,
  'listing.inquiry_received': Permission.ListingManage,
  'listing.inquiry_replied': Permission.ListingManage,
  'syndication.status_changed': Permission.SyndicationRead,
  'syndication.drift_detected': Permission.SyndicationRead,
  'syndication.credentials_rejected': Permission.SyndicationRead,
  'document.text_extracted': Permission.DocumentManage,
  'document.deleted': Permission.DocumentManage,
};

/** Permissions whose `own` grant covers a whole building of one's home (a vote concerns buildings). */
export const BUILDING_WIDE_OWN: ReadonlySet<Permission> = new Set([Permission.VoteParticipate]);

export function permissionOfEvent(type: string): Permission | null {
  return (EVENT_PERMISSIONS as Record<string, Permission | undefined>)[type] ?? null;
}
