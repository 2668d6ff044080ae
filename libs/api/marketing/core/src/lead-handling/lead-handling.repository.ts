import { Injectable } from '@nestjs/common';
import { Listing, ListingInquiry, ListingInquiryReply, type LeadStatus } from '@ppt/api-db';
import type { PageQueryDto } from '@ppt/http';
import { In, type EntityManager } from 'typeorm';

export interface LeadFilter {
  status?: LeadStatus;
  listingId?: string;
  /** A realtor's inbox: only the listings they are the contact of. */
  contactUserId?: string;
}

export interface LeadRow {
  inquiry: ListingInquiry;
  listingTitle: string;
  contactUserId: string | null;
  listingVersion: number;
  foldedCount: number;
}

/** Leads are listing inquiries; this repository reads them with their listing's title and contact. */
@Injectable()
export class LeadHandlingRepository {
  async list(
    m: EntityManager,
    organizationId: string,
    filter: LeadFilter,
    page: PageQueryDto,
  ): Promise<[LeadRow[], number]> {
    const qb = this.base(m, organizationId);
    if (filter.status) qb.andWhere('i.status = :status', { status: filter.status });
    if (filter.listingId) qb.andWhere('i.listing_id = :listingId', { listingId: filter.listingId });
    if (filter.contactUserId) qb.andWhere('l.contact_user_id = :contact', { contact: filter.contactUserId });
    const total = await qb.getCount();
    const rows = await qb
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'ASC')
      .offset(page.offset)
      .limit(page.limit)
      .getRawAndEntities();
    return [this.rows(rows.entities, rows.raw as RawLead[]), total];
  }

  /** One lead; `forUpdate` locks its row (a reply and a status change of one lead take turns). */
  async find(
    m: EntityManager,
    organizationId: string,
    id: string,
    forUpdate = false,
  ): Promise<LeadRow | null> {
    if (forUpdate) {
      const locked = await m
        .createQueryBuilder(ListingInquiry, 'i')
        .setLock('pessimistic_write')
        .where('i.organization_id = :organizationId AND i.id = :id', { organizationId, id })
        .getOne();
      if (!locked) return null;
    }
    const rows = await this.base(m, organizationId).andWhere('i.id = :id', { id }).getRawAndEntities();
    return this.rows(rows.entities, rows.raw as RawLead[])[0] ?? null;
  }

  replies(m: EntityManager, organizationId: string, inquiryIds: string[]): Promise<ListingInquiryReply[]> {
    if (inquiryIds.length === 0) return Promise.resolve([]);
    return m.find(ListingInquiryReply, {
      where: { organizationId, inquiryId: In(inquiryIds) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  addReply(
    m: EntityManager,
    organizationId: string,
    data: { inquiryId: string; authorUserId: string; message: string },
  ): Promise<ListingInquiryReply> {
    return m.save(m.create(ListingInquiryReply, { ...data, organizationId }));
  }

  async setState(
    m: EntityManager,
    organizationId: string,
    id: string,
    state: Pick<ListingInquiry, 'status' | 'handledAt' | 'handledByUserId'>,
  ): Promise<void> {
    await m.update(ListingInquiry, { organizationId, id }, state);
  }

  private base(m: EntityManager, organizationId: string) {
    return m
      .createQueryBuilder(ListingInquiry, 'i')
      .innerJoin(Listing, 'l', 'l.organization_id = i.organization_id AND l.id = i.listing_id')
      .addSelect('l.title', 'listing_title')
      .addSelect('l.contact_user_id', 'listing_contact')
      .addSelect('l.version', 'listing_version')
      .addSelect(
        (sub) =>
          sub
            .select('count(*)::int')
            .from(ListingInquiry, 'f')
            .where('f.organization_id = i.organization_id AND f.folded_into_id = i.id'),
        'folded_count',
      )
      .where('i.organization_id = :organizationId', { organizationId });
  }

  private rows(entities: ListingInquiry[], raw: RawLead[]): LeadRow[] {
    return entities.map((inquiry) => {
      const r = raw.find((x) => x.i_id === inquiry.id) as RawLead;
      return {
        inquiry,
        listingTitle: r.listing_title,
        contactUserId: r.listing_contact,
        listingVersion: Number(r.listing_version),
        foldedCount: Number(r.folded_count),
      };
    });
  }
}

interface RawLead {
  i_id: string;
  listing_title: string;
  listing_contact: string | null;
  listing_version: number | string;
  folded_count: number | string;
}
