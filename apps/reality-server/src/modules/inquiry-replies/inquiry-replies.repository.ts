import { Injectable } from '@nestjs/common';
import { PortalInquiry, PortalInquiryReply, PortalListing } from '@ppt/portal-db';
import type { PageQueryDto } from '@ppt/http';
import { DataSource, In } from 'typeorm';

@Injectable()
export class InquiryRepliesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a reply once (its id is api-server's reply id); false when the inquiry is not ours or it was stored before. */
  async store(reply: { id: string; inquiryId: string; message: string; repliedAt: Date }): Promise<boolean> {
    if (!(await this.dataSource.getRepository(PortalInquiry).existsBy({ id: reply.inquiryId }))) return false;
    const res = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(PortalInquiryReply)
      .values(reply)
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    return (res.raw as unknown[]).length > 0;
  }

  /** A visitor's own inquiries, newest first, with the listing's title while the portal still has it. */
  async mine(
    userId: string,
    page: PageQueryDto,
  ): Promise<[{ inquiry: PortalInquiry; listingTitle: string | null }[], number]> {
    const [inquiries, total] = await this.dataSource.getRepository(PortalInquiry).findAndCount({
      where: { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    const ids = [...new Set(inquiries.map((i) => i.listingId))];
    const listings = ids.length
      ? await this.dataSource
          .getRepository(PortalListing)
          .find({ where: { id: In(ids) }, select: { id: true, title: true } })
      : [];
    const title = new Map(listings.map((l) => [l.id, l.title]));
    return [
      inquiries.map((inquiry) => ({ inquiry, listingTitle: title.get(inquiry.listingId) ?? null })),
      total,
    ];
  }

  replies(inquiryIds: string[]): Promise<PortalInquiryReply[]> {
    if (inquiryIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PortalInquiryReply).find({
      where: { inquiryId: In(inquiryIds) },
      order: { repliedAt: 'ASC', id: 'ASC' },
    });
  }
}
