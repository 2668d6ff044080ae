import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject } from '@nestjs/common';
import { Listing, ListingInquiry, ListingInquiryReply } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { DomainEvent } from '@ppt/events';
import { PortalInquiryJob, QueueName, type PortalInquiryReplyJobData } from '@ppt/queue';
import type { Job, Queue } from 'bull';
import { SyndicationEnv } from '../syndication/syndication.env';
import { Mailer, mailTemplates } from '@ppt/api-shared';
import { UsersService } from '@ppt/api-identity-core';

/**
 * The realtor's reply goes to the inquirer by e-mail (reply-to: the realtor, so the conversation
 * continues by mail), once: `emailed_at` is set after the send, so a retry after a failure further on
 * does not send it again. An inquiry from a signed-in visitor of our portal also gets the reply on the
 * portal (a job on its inquiries queue; the job id makes a repeat harmless).
 */
@Processor(QueueName.Maintenance)
export class LeadReplyMailProcessor {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
    @InjectQueue(QueueName.PortalInquiries) private readonly portal: Queue,
  ) {}

  @Process('listing.inquiry_replied')
  async send(
    job: Job<DomainEvent<'listing.inquiry_replied'>>,
  ): Promise<{ emailed: boolean; portal: boolean }> {
    const { organizationId, payload } = job.data;
    const found = await this.tenant.run({ organizationId }, async (m) => ({
      reply: await m.findOneBy(ListingInquiryReply, { organizationId, id: payload.replyId }),
      inquiry: await m.findOneBy(ListingInquiry, { organizationId, id: payload.inquiryId }),
      listing: await m.findOne(Listing, {
        where: { organizationId, id: payload.listingId },
        select: { id: true, title: true },
      }),
    }));
    const { reply, inquiry, listing } = found;
    if (!reply || !inquiry || !listing) return { emailed: false, portal: false };
    let emailed = false;
    if (!reply.emailedAt) {
      const author = reply.authorUserId ? await this.users.findById(reply.authorUserId) : null;
      await this.mailer.send({
        ...mailTemplates.leadReply(inquiry.email, inquiry.name, {
          title: listing.title,
          realtor: author?.displayName ?? 'The realtor',
          message: reply.message,
          question: inquiry.message,
          url: `${this.env.REALITY_PUBLIC_URL.replace(/\/+$/, '')}/listings/${listing.id}`,
        }),
        ...(author && !author.disabledAt ? { replyTo: author.email } : {}),
      });
      await this.tenant.run({ organizationId }, (m) =>
        m.update(ListingInquiryReply, { organizationId, id: reply.id }, { emailedAt: new Date() }),
      );
      emailed = true;
    }
    if (!inquiry.visitorUserId) return { emailed, portal: false };
    const data: PortalInquiryReplyJobData = {
      portalInquiryId: inquiry.portalInquiryId,
      replyId: reply.id,
      message: reply.message,
      repliedAt: reply.createdAt.toISOString(),
    };
    await this.portal.add(PortalInquiryJob.Reply, data, { jobId: `reply:${reply.id}` });
    return { emailed, portal: true };
  }
}
