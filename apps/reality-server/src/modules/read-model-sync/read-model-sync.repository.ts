import { Injectable } from '@nestjs/common';
import { PortalListing } from '@ppt/portal-db';
import type { PortalFeedListing } from '@ppt/queue';
import { DataSource, In } from 'typeorm';

/** Statuses visitors see (as the listings feature's VISIBLE). */
const SHOWN = ['published', 'reserved'];

/** What api-server's reconciliation asks of the read model: what one organisation shows, and hiding one listing. */
@Injectable()
export class ReadModelSyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  async shown(organizationId: string): Promise<PortalFeedListing[]> {
    const rows = await this.dataSource.getRepository(PortalListing).find({
      where: { organizationId, status: In(SHOWN) },
      select: { id: true, priceAmount: true, version: true },
      order: { id: 'ASC' },
    });
    return rows.map((r) => ({ listingId: r.id, priceAmount: r.priceAmount, version: r.version }));
  }

  /** The version stays: any later event of the listing (were it to come back) is still applied. */
  async withdraw(organizationId: string, listingId: string): Promise<boolean> {
    const res = await this.dataSource
      .getRepository(PortalListing)
      .update({ organizationId, id: listingId, status: In(SHOWN) }, { status: 'withdrawn' });
    return (res.affected ?? 0) > 0;
  }
}
