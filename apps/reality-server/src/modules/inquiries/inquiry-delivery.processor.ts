import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { IdentityProviderClient } from '@ppt/auth';
import { processCounter } from '@ppt/observability';
import { PortalInquiryJob, QueueName, scheduleRepeatable } from '@ppt/queue';
import type { Job, Queue } from 'bull';
import { InquiriesRepository, REJECTED } from './inquiries.repository';

/** Every five minutes; an inquiry waits at least a minute before the sweep touches it. */
export const SWEEP_CRON = '*/5 * * * *';
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 100;

const delivered = processCounter<'result'>({
  name: 'portal_inquiries_delivered_total',
  help: 'Inquiries handed to api-server, by result (delivered, duplicate, listing_gone, rejected, retry)',
  labelNames: ['result'],
});

/**
 * Delivers stored inquiries to api-server (POST /api/v1/portal/inquiries with the portal's service
 * token). api-server stores each portal inquiry id once, so a retry after a lost answer is harmless.
 * Transient failures throw (Bull retries with back-off); a request api-server refuses for good is
 * marked rejected and not retried; the sweep re-queues inquiries whose job was lost or exhausted.
 */
@Processor(QueueName.PortalInquiries)
export class InquiryDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(InquiryDeliveryProcessor.name);

  constructor(
    private readonly inquiries: InquiriesRepository,
    private readonly apiServer: IdentityProviderClient,
    @InjectQueue(QueueName.PortalInquiries) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, PortalInquiryJob.Sweep, SWEEP_CRON);
  }

  @Process(PortalInquiryJob.Deliver)
  async deliver(job: Job<{ inquiryId: string }>): Promise<{ result: string }> {
    const inquiry = await this.inquiries.findUndelivered(job.data.inquiryId);
    if (!inquiry) return { result: 'already-delivered' };
    const res = await this.apiServer
      .postAsService('/api/v1/portal/inquiries', {
        portalInquiryId: inquiry.id,
        listingId: inquiry.listingId,
        ...(inquiry.userId ? { visitorUserId: inquiry.userId } : {}),
        name: inquiry.name,
        email: inquiry.email,
        ...(inquiry.phone ? { phone: inquiry.phone } : {}),
        message: inquiry.message,
      })
      .catch(async (err: Error) => {
        await this.inquiries.markFailedAttempt(inquiry.id, err.message);
        delivered.inc({ result: 'retry' });
        throw err;
      });
    if (res.status === 201 || res.status === 200) {
      await this.inquiries.markDelivered(inquiry.id);
      const result = res.status === 201 ? 'delivered' : 'duplicate';
      delivered.inc({ result });
      return { result };
    }
    if (res.status === 404) {
      // The listing is gone on the PM side: nobody is left to answer; keep the record, stop trying.
      await this.inquiries.markDelivered(inquiry.id, 'listing no longer exists on api-server');
      delivered.inc({ result: 'listing_gone' });
      return { result: 'listing_gone' };
    }
    const reason = `api-server answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
    if (res.status === 400 || res.status === 422) {
      await this.inquiries.markFailedAttempt(inquiry.id, `${REJECTED}${reason}`);
      this.logger.error({ inquiryId: inquiry.id }, `Inquiry rejected by api-server: ${reason}`);
      delivered.inc({ result: 'rejected' });
      await job.discard();
      throw new Error(reason);
    }
    await this.inquiries.markFailedAttempt(inquiry.id, reason);
    delivered.inc({ result: 'retry' });
    throw new Error(reason);
  }

  @Process(PortalInquiryJob.Sweep)
  async sweep(): Promise<{ requeued: number }> {
    let requeued = 0;
    for (const inquiry of await this.inquiries.waiting(new Date(Date.now() - SWEEP_GRACE_MS), SWEEP_BATCH)) {
      const job = await this.queue.getJob(inquiry.id);
      if (!job) {
        await this.queue.add(PortalInquiryJob.Deliver, { inquiryId: inquiry.id }, { jobId: inquiry.id });
      } else if (await job.isFailed()) {
        await job.retry();
      } else {
        continue;
      }
      requeued += 1;
    }
    if (requeued > 0) this.logger.log(`Re-queued ${requeued} waiting inquiries`);
    return { requeued };
  }
}
