import { Injectable } from '@nestjs/common';
import { type MembershipRole, type OrganizationScope, TenantRepository } from '@ppt/db';
import { Listing, ListingInquiry, ListingStatusChange, Membership } from '@ppt/api-db';
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

/**
 * Listings, their status history and inquiries, of one organisation: findById, findForUpdate, create and
 * update (which raises the version: portals apply events in version order) come from TenantRepository;
 * every method but organizationOf takes the scope (RLS backs the filter up).
 */
@Injectable()
export class ListingsRepository extends TenantRepository<Listing> {
  constructor() {
    super(Listing, { versioned: true });
  }

  list(scope: OrganizationScope, f: ListListingsQueryDto): Promise<[Listing[], number]> {
    const qb = scope.manager
      .createQueryBuilder(Listing, 'l')
      .where('l.organization_id = :organizationId', { organizationId: scope.organizationId });
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

  async recordStatusChange(scope: OrganizationScope, change: Partial<ListingStatusChange>): Promise<void> {
    await scope.manager.insert(ListingStatusChange, { ...change, organizationId: scope.organizationId });
  }

  statusHistory(scope: OrganizationScope, listingId: string): Promise<ListingStatusChange[]> {
    return scope.manager.find(ListingStatusChange, {
      where: { organizationId: scope.organizationId, listingId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  isMemberWithRole(scope: OrganizationScope, userId: string, roles: MembershipRole[]): Promise<boolean> {
    return scope.manager.existsBy(Membership, {
      organizationId: scope.organizationId,
      userId,
      role: In(roles),
    });
  }

  /** Runs in the platform scope 'inquiry-delivery': the portal names only the listing. */
  async organizationOf(m: EntityManager, listingId: string): Promise<string | null> {
    const row = await m.findOne(Listing, { select: { organizationId: true }, where: { id: listingId } });
    return row?.organizationId ?? null;
  }

  /** Stores the inquiry unless this portal inquiry id was stored before; returns the row and whether it is new. */
  async storeInquiry(
    scope: OrganizationScope,
    data: Partial<ListingInquiry>,
  ): Promise<{ inquiry: ListingInquiry; created: boolean }> {
    const inserted = await scope.manager
      .createQueryBuilder()
      .insert()
      .into(ListingInquiry)
      .values({ ...data, organizationId: scope.organizationId })
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    const inquiry = await scope.manager.findOneByOrFail(ListingInquiry, {
      organizationId: scope.organizationId,
      portalInquiryId: data.portalInquiryId as string,
    });
    return { inquiry, created: (inserted.raw as unknown[]).length > 0 };
  }

  listInquiries(
    scope: OrganizationScope,
    listingId: string,
    page: PageQueryDto,
  ): Promise<[ListingInquiry[], number]> {
    return scope.manager.findAndCount(ListingInquiry, {
      where: { organizationId: scope.organizationId, listingId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }
}
