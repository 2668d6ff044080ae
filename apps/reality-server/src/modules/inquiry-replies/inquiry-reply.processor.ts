import { Process, Processor } from '@nestjs/bull';
import { PortalInquiryJob, QueueName, type PortalInquiryReplyJobData } from '@ppt/queue';
import type { Job } from 'bull';
import { InquiryRepliesService } from './inquiry-replies.service';

/**
 * A realtor's reply to an inquiry sent on the portal, handed over by api-server's worker (job id
 * `reply:<replyId>`; storing is idempotent by reply id). A reply to an inquiry the portal does not have
 * is dropped.
 */
@Processor(QueueName.PortalInquiries)
export class InquiryReplyProcessor {
  constructor(private readonly replies: InquiryRepliesService) {}

  @Process(PortalInquiryJob.Reply)
  async store(job: Job<PortalInquiryReplyJobData>): Promise<{ stored: boolean }> {
    const stored = await this.replies.receive({
      id: job.data.replyId,
      inquiryId: job.data.portalInquiryId,
      message: job.data.message,
      repliedAt: new Date(job.data.repliedAt),
    });
    return { stored };
  }
}
