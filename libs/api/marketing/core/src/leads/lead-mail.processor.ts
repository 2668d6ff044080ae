import { Process, Processor } from '@nestjs/bull';
import { Listing, ListingInquiry, Membership, NotificationPreference } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { DomainEvent } from '@ppt/events';
import { QueueName } from '@ppt/queue';
import type { Job } from 'bull';
import { Mailer } from '@ppt/api-shared';
import { mailTemplates } from '@ppt/api-shared';
import { defaultEnabled } from '@ppt/api-community-core';
import { UsersService } from '@ppt/api-identity-core';

/**
 * The realtor's e-mail about a new lead: the listing, the visitor's contact and message, and a link
 * to the listing's inquiries. Skipped when the realtor turned e-mail off for inquiries, is no longer
 * the listing's contact or a member of its organisation (a retried or replayed event must not send a
 * visitor's contact details to someone who stopped handling the listing), or left the account. A
 * failed send throws, so Bull retries it.
 */
@Processor(QueueName.Maintenance)
export class LeadMailProcessor {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
  ) {}

  @Process('listing.inquiry_received')
  async send(job: Job<DomainEvent<'listing.inquiry_received'>>): Promise<{ sent: boolean }> {
    const { organizationId, payload } = job.data;
    const found = await this.tenant.run({ organizationId }, async (m) => {
      const inquiry = await m.findOneBy(ListingInquiry, { organizationId, id: payload.inquiryId });
      const listing = await m.findOneBy(Listing, { organizationId, id: payload.listingId });
      const stillMember = await m.existsBy(Membership, { organizationId, userId: payload.contactUserId });
      const preference = await m.findOneBy(NotificationPreference, {
        organizationId,
        userId: payload.contactUserId,
        type: 'listing_inquiry',
        channel: 'email',
      });
      return {
        inquiry,
        listing,
        handledByRecipient: stillMember && listing?.contactUserId === payload.contactUserId,
        wanted: preference?.enabled ?? defaultEnabled('listing_inquiry', 'email'),
      };
    });
    if (!found.inquiry || !found.listing || !found.handledByRecipient || !found.wanted)
      return { sent: false };
    const realtor = await this.users.findById(payload.contactUserId);
    if (!realtor || realtor.disabledAt) return { sent: false };
    const { inquiry, listing } = found;
    await this.mailer.send(
      mailTemplates.listingInquiry(realtor.email, realtor.displayName, {
        title: listing.title,
        name: inquiry.name,
        email: inquiry.email,
        phone: inquiry.phone,
        message: inquiry.message,
        url: this.mailer.appPage(`listings/${listing.id}/inquiries`),
      }),
    );
    return { sent: true };
  }
}
