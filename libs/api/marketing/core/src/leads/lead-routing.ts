import { Injectable } from '@nestjs/common';
import { Listing, ListingInquiry } from '@ppt/api-db';
import { OutboxWriter } from '@ppt/events';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from '@ppt/api-community-core';

/** Inquiries of one visitor (by e-mail) on one listing within this window are one lead. */
export const FOLD_WINDOW_MS = 24 * 3600_000;

export type LeadRouted = 'notified' | 'folded' | 'unassigned';

/**
 * Where a new inquiry goes, whichever way it came (our portal's delivery, a portal webhook, an
 * OpenImmo import report): to the listing's realtor, in-app at once (in the transaction that stored
 * it) and by e-mail from the worker (the outbox event `listing.inquiry_received`). A visitor who
 * writes again about the same listing within a day is folded into the lead they already opened
 * (`folded_into_id`): the inquiry is kept, the realtor is not notified twice. A listing without a realtor notifies nobody.
 */
@Injectable()
export class LeadRouting {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Call once, for an inquiry just stored, inside the tenant transaction that stored it. */
  async routeNew(m: EntityManager, organizationId: string, inquiryId: string): Promise<LeadRouted> {
    const inquiry = await m.findOneBy(ListingInquiry, { organizationId, id: inquiryId });
    if (!inquiry) return 'unassigned';
    // One visitor's inquiries about one listing take turns here (a transaction-scoped advisory lock
    // on listing + e-mail): the second of two concurrent inquiries waits for the first to commit, and
    // its next statement (READ COMMITTED: a fresh snapshot) sees it and folds. A plain count without
    // the lock let both see nothing and both notify.
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `lead-fold:${organizationId}:${inquiry.listingId}:${inquiry.email.toLowerCase()}`,
    ]);
    const lead = await m
      .createQueryBuilder(ListingInquiry, 'i')
      .select(['i.id'])
      .where('i.organization_id = :organizationId AND i.listing_id = :listingId', {
        organizationId,
        listingId: inquiry.listingId,
      })
      .andWhere('lower(i.email) = lower(:email) AND i.id <> :id', { email: inquiry.email, id: inquiry.id })
      .andWhere('i.folded_into_id IS NULL')
      .andWhere('i.created_at > :since', { since: new Date(inquiry.createdAt.getTime() - FOLD_WINDOW_MS) })
      .orderBy('i.created_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getOne();
    if (lead) {
      await m.update(ListingInquiry, { organizationId, id: inquiry.id }, { foldedIntoId: lead.id });
      return 'folded';
    }
    const listing = await m.findOne(Listing, {
      where: { organizationId, id: inquiry.listingId },
      select: { id: true, title: true, contactUserId: true, version: true },
    });
    if (!listing?.contactUserId) return 'unassigned';
    const contact = [inquiry.name, inquiry.email, inquiry.phone].filter(Boolean).join(', ');
    await this.notifications.notify(m, organizationId, [listing.contactUserId], {
      type: 'listing_inquiry',
      title: `New inquiry: ${listing.title}`.slice(0, 200),
      body: `${contact}\n\n${inquiry.message}`.slice(0, 2000),
      link: `listings/${listing.id}/inquiries`,
    });
    await this.outbox.write(m, {
      type: 'listing.inquiry_received',
      organizationId,
      aggregateId: listing.id,
      aggregateVersion: listing.version,
      payload: { listingId: listing.id, inquiryId: inquiry.id, contactUserId: listing.contactUserId },
    });
    return 'notified';
  }
}
