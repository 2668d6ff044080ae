import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { VisitorPrincipal } from '@ppt/auth';
import { AppError, registerErrorCodes } from '@ppt/observability';
import { PortalInquiryJob, QueueName } from '@ppt/queue';
import { RealtimePublisher } from '@ppt/realtime';
import type { Queue } from 'bull';
import { PortalListingsRepository } from '../listings/portal-listings.repository';
import type { CreateInquiryDto, InquiryReceivedResponse } from './dto/inquiry.dto';
import { InquiriesRepository } from './inquiries.repository';
import { InquiryLimiter } from './inquiry-limiter';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ LISTING_NOT_FOUND: 404 });

/**
 * An inquiry is stored on the portal first (so it is never lost), then handed to the worker, which
 * delivers it to api-server for the listing's realtor. If queueing fails, the worker's sweep finds
 * the stored inquiry later.
 */
@Injectable()
export class InquiriesService {
  private readonly logger = new Logger(InquiriesService.name);

  constructor(
    private readonly listings: PortalListingsRepository,
    private readonly inquiries: InquiriesRepository,
    private readonly limiter: InquiryLimiter,
    @InjectQueue(QueueName.PortalInquiries) private readonly queue: Queue,
    private readonly realtime: RealtimePublisher,
  ) {}

  async send(
    listingId: string,
    dto: CreateInquiryDto,
    visitor: VisitorPrincipal | undefined,
    ip: string | null,
  ): Promise<InquiryReceivedResponse> {
    if (!(await this.listings.findVisible(listingId))) {
      throw new AppError('LISTING_NOT_FOUND', 404, 'Listing not found');
    }
    await this.limiter.consume(visitor?.userId, ip);
    const inquiry = await this.inquiries.create({
      listingId,
      userId: visitor?.userId ?? null,
      name: dto.name,
      email: dto.email,
      phone: dto.phone ?? null,
      message: dto.message,
    });
    await this.queue
      .add(PortalInquiryJob.Deliver, { inquiryId: inquiry.id }, { jobId: inquiry.id })
      .catch((err: Error) =>
        this.logger.warn({ err, inquiryId: inquiry.id }, 'Inquiry stored; queueing deferred to the sweep'),
      );
    if (visitor)
      await this.realtime.toUser(visitor.userId, 'inquiry.received', { inquiryId: inquiry.id, listingId });
    return { id: inquiry.id, status: 'received' };
  }
}
