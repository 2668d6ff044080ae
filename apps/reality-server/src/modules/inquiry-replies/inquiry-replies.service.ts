import { Injectable } from '@nestjs/common';
import type { Page, PageQueryDto } from '@ppt/http';
import type { MyInquiryResponse } from './dto/my-inquiry.dto';
import { InquiryRepliesRepository } from './inquiry-replies.repository';

/** A signed-in visitor's inquiries and the realtors' replies to them (handed over by api-server). */
@Injectable()
export class InquiryRepliesService {
  constructor(private readonly replies: InquiryRepliesRepository) {}

  receive(reply: { id: string; inquiryId: string; message: string; repliedAt: Date }): Promise<boolean> {
    return this.replies.store(reply);
  }

  async mine(userId: string, page: PageQueryDto): Promise<Page<MyInquiryResponse>> {
    const [rows, total] = await this.replies.mine(userId, page);
    const replies = await this.replies.replies(rows.map((r) => r.inquiry.id));
    return {
      items: rows.map(({ inquiry, listingTitle }) => ({
        id: inquiry.id,
        listingId: inquiry.listingId,
        listingTitle,
        message: inquiry.message,
        createdAt: inquiry.createdAt,
        replies: replies
          .filter((r) => r.inquiryId === inquiry.id)
          .map((r) => ({ id: r.id, message: r.message, repliedAt: r.repliedAt })),
      })),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }
}
