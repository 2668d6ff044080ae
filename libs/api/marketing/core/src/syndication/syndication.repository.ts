import { Injectable } from '@nestjs/common';
import {
  Listing,
  ListingSyndication,
  type ListingStatus,
  ListingSyndicationTransition,
  type SyndicationPortal,
  type SyndicationStatus,
} from '@ppt/api-db';
import { In, Not, type EntityManager } from 'typeorm';

/** Listing statuses in which portals should show the listing. */
export const ON_MARKET = new Set<ListingStatus>(['published', 'reserved']);

/** The statuses a row has while a job should be on its way or running. */
export const STUCK_STATUSES: SyndicationStatus[] = ['pending', 'removing', 'syncing'];

export interface StatusFilter {
  listingId?: string;
  portal?: SyndicationPortal;
  status?: SyndicationStatus;
  limit: number;
  offset: number;
}

@Injectable()
export class SyndicationRepository {
  /** One of the organisation's listings (what its rows are about). */
  listing(m: EntityManager, organizationId: string, listingId: string): Promise<Listing | null> {
    return m.findOneBy(Listing, { organizationId, id: listingId });
  }

  /** One listing, locked against concurrent changes (its portal selection is being changed). */
  lockListing(m: EntityManager, organizationId: string, listingId: string): Promise<Listing | null> {
    return m
      .getRepository(Listing)
      .createQueryBuilder('l')
      .where('l.organization_id = :organizationId AND l.id = :listingId', { organizationId, listingId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The listing's portal choice; `newVersion` when what the portals show changes (overrides). */
  async updateListing(
    m: EntityManager,
    organizationId: string,
    listingId: string,
    changes: Pick<Partial<Listing>, 'portalSelection' | 'portalOverrides'>,
    newVersion: boolean,
  ): Promise<void> {
    await m.update(
      Listing,
      { organizationId, id: listingId },
      { ...(changes as object), ...(newVersion ? { version: () => 'version + 1' } : {}) },
    );
  }

  /** Ids of the organisation's listings on the market. */
  async listingIdsOnMarket(m: EntityManager, organizationId: string): Promise<string[]> {
    const listings = await m.find(Listing, {
      select: { id: true },
      where: { organizationId, status: In([...ON_MARKET]) },
    });
    return listings.map((l) => l.id);
  }

  /** The rows of one listing, locked: planning and job results for a listing run one at a time. */
  lockForListing(m: EntityManager, organizationId: string, listingId: string): Promise<ListingSyndication[]> {
    return m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId AND s.listing_id = :listingId', {
        organizationId,
        listingId,
      })
      .setLock('pessimistic_write')
      .getMany();
  }

  lockOne(
    m: EntityManager,
    organizationId: string,
    listingId: string,
    portal: SyndicationPortal,
  ): Promise<ListingSyndication | null> {
    return m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId AND s.listing_id = :listingId AND s.portal = :portal', {
        organizationId,
        listingId,
        portal,
      })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Every row of one portal in the organisation, locked (nightly reconciliation). */
  lockForPortal(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<ListingSyndication[]> {
    return m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId AND s.portal = :portal', { organizationId, portal })
      .orderBy('s.listing_id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Listings with a row on the portal that is not removed yet (a portal turned off takes them all off). */
  async listingsOnPortal(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<string[]> {
    const rows = await m.getRepository(ListingSyndication).find({
      select: { listingId: true },
      where: { organizationId, portal, status: Not('removed' as const) },
    });
    return rows.map((r) => r.listingId);
  }

  /**
   * Listings whose row is failed while the portal still shows a version of ours: wanted listed, the
   * last settled state was `active` (a removal also sets syncedVersion), and a job failed it — not the
   * portal taking the advert down (a webhook fails an active row directly, or leaves PORTAL_REMOVED).
   */
  async failedButLive(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<string[]> {
    const last = (where: string, column: string) =>
      `(SELECT t.${column} FROM syndication_transitions t
         WHERE t.organization_id = s.organization_id AND t.syndication_id = s.id${where}
         ORDER BY t.created_at DESC LIMIT 1)`;
    const rows = await m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .select('s.listing_id', 'listingId')
      .where('s.organization_id = :organizationId AND s.portal = :portal', { organizationId, portal })
      .andWhere(`s.status = 'failed' AND s.wanted = 'listed' AND s.synced_version IS NOT NULL`)
      .andWhere(`s.last_error_code IS DISTINCT FROM 'PORTAL_REMOVED'`)
      .andWhere(`${last(` AND t.to_status IN ('active', 'removed')`, 'to_status')} = 'active'`)
      .andWhere(`${last('', 'from_status')} IS DISTINCT FROM 'active'`)
      .getRawMany<{ listingId: string }>();
    return rows.map((r) => r.listingId);
  }

  lockByIds(m: EntityManager, organizationId: string, ids: string[]): Promise<ListingSyndication[]> {
    return m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId AND s.id IN (:...ids)', { organizationId, ids })
      .setLock('pessimistic_write')
      .getMany();
  }

  insert(m: EntityManager, row: Partial<ListingSyndication>): Promise<ListingSyndication> {
    return m.getRepository(ListingSyndication).save(m.getRepository(ListingSyndication).create(row));
  }

  async update(
    m: EntityManager,
    row: ListingSyndication,
    changes: Partial<ListingSyndication>,
  ): Promise<void> {
    await m
      .getRepository(ListingSyndication)
      .update({ organizationId: row.organizationId, id: row.id }, changes);
    Object.assign(row, changes);
  }

  async recordTransition(
    m: EntityManager,
    row: ListingSyndication,
    from: SyndicationStatus | null,
    detail: string | null,
  ): Promise<void> {
    await m.getRepository(ListingSyndicationTransition).insert({
      organizationId: row.organizationId,
      syndicationId: row.id,
      fromStatus: from,
      toStatus: row.status,
      detail,
    });
  }

  page(m: EntityManager, organizationId: string, f: StatusFilter): Promise<[ListingSyndication[], number]> {
    const qb = m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId });
    if (f.listingId) qb.andWhere('s.listing_id = :listingId', { listingId: f.listingId });
    if (f.portal) qb.andWhere('s.portal = :portal', { portal: f.portal });
    if (f.status) qb.andWhere('s.status = :status', { status: f.status });
    return qb
      .orderBy('s.updated_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .take(f.limit)
      .skip(f.offset)
      .getManyAndCount();
  }

  /**
   * Rows in flight (pending, removing, or syncing: claimed by a job Bull then lost or failed without
   * us hearing of it) not touched since before `before`.
   */
  stuck(m: EntityManager, organizationId: string, before: Date): Promise<ListingSyndication[]> {
    return m
      .getRepository(ListingSyndication)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId })
      .andWhere(`s.status IN (:...statuses) AND s.updated_at < :before`, { statuses: STUCK_STATUSES, before })
      .getMany();
  }

  /** The histories of a page of rows, in one query. */
  transitions(
    m: EntityManager,
    organizationId: string,
    ids: string[],
  ): Promise<ListingSyndicationTransition[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.getRepository(ListingSyndicationTransition).find({
      where: { organizationId, syndicationId: In(ids) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }
}
