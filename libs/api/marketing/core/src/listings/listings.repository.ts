import { Injectable } from '@nestjs/common';
import { Listing, ListingInquiry, ListingStatusChange, Membership } from '@ppt/api-db';
import { type MembershipRole } from '@ppt/db';
import { In, type EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { PageQueryDto } from '@ppt/http';
import type { ListListingsQueryDto } from './dto/listing.dto';

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'l.created_at',
  updatedAt: 'l.updated_at',
  priceAmount: 'l.price_amount',
  title: 'l.title',
};

/** Listings, their status history and inquiries, of one organisation (RLS backs the filter up). */
@Injectable()
export class ListingsRepository {
  list(m: EntityManager, organizationId: string, f: ListListingsQueryDto): Promise<[Listing[], number]> {
    const qb = m
      .createQueryBuilder(Listing, 'l')
      .where('l.organization_id = :organizationId', { organizationId });
    if (f.status) qb.andWhere('l.status = :status', { status: f.status });
    if (f.transaction) qb.andWhere('l.transaction = :transaction', { transaction: f.transaction });
    if (f.unitId) qb.andWhere('l.unit_id = :unitId', { unitId: f.unitId });
    if (f.contactUserId)
      qb.andWhere('l.contact_user_id = :contactUserId', { contactUserId: f.contactUserId });
    if (f.q) qb.andWhere('(l.title ILIKE :q OR l.city ILIKE :q)', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('l.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Listing | null> {
    return m.findOneBy(Listing, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Listing | null> {
    return m.findOne(Listing, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Listing>): Promise<Listing> {
    return m.save(m.create(Listing, { ...data, organizationId }));
  }

  /** Applies changes and bumps the version (portals apply events in version order). */
  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Listing>,
  ): Promise<void> {
    await m.update(Listing, { organizationId, id }, { ...changes, version: () => 'version + 1' });
  }

  async recordStatusChange(
    m: EntityManager,
    organizationId: string,
    change: Partial<ListingStatusChange>,
  ): Promise<void> {
    await m.insert(ListingStatusChange, { ...change, organizationId });
  }

  statusHistory(m: EntityManager, organizationId: string, listingId: string): Promise<ListingStatusChange[]> {
    return m.find(ListingStatusChange, {
      where: { organizationId, listingId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  isMemberWithRole(
    m: EntityManager,
    organizationId: string,
    userId: string,
    roles: MembershipRole[],
  ): Promise<boolean> {
    return m.existsBy(Membership, { organizationId, userId, role: In(roles) });
  }

  /** Runs in the platform scope 'inquiry-delivery': the portal names only the listing. */
  async organizationOf(m: EntityManager, listingId: string): Promise<string | null> {
    const row = await m.findOne(Listing, { select: { organizationId: true }, where: { id: listingId } });
    return row?.organizationId ?? null;
  }

  /** Stores the inquiry unless this portal inquiry id was stored before; returns the row and whether it is new. */
  async storeInquiry(
    m: EntityManager,
    organizationId: string,
    data: Partial<ListingInquiry>,
  ): Promise<{ inquiry: ListingInquiry; created: boolean }> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(ListingInquiry)
      .values({ ...data, organizationId })
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    const inquiry = await m.findOneByOrFail(ListingInquiry, {
      organizationId,
      portalInquiryId: data.portalInquiryId as string,
    });
    return { inquiry, created: (inserted.raw as unknown[]).length > 0 };
  }

  listInquiries(
    m: EntityManager,
    organizationId: string,
    listingId: string,
    page: PageQueryDto,
  ): Promise<[ListingInquiry[], number]> {
    return m.findAndCount(ListingInquiry, {
      where: { organizationId, listingId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }
}
