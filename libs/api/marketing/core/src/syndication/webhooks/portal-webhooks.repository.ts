import { Injectable } from '@nestjs/common';
import {
  ListingInquiry,
  ListingSyndication,
  PortalTarget,
  PortalWebhookReceipt,
  type SyndicationPortal,
} from '@ppt/api-db';
import { In, type EntityManager } from 'typeorm';

/** Adverts sharing one external id on one portal: more than this is not a real portal's id space. */
const MAX_CANDIDATES = 10;

@Injectable()
export class PortalWebhooksRepository {
  /**
   * Platform scope 'portal-webhook' (read-only): the rows that show this advert on this portal, in
   * any organisation. Ids are the portal's; two organisations could in principle share one, so all
   * are returned and the signature decides.
   */
  advertsOf(m: EntityManager, portal: SyndicationPortal, externalId: string): Promise<ListingSyndication[]> {
    return m.getRepository(ListingSyndication).find({
      where: { portal, externalId },
      order: { createdAt: 'ASC' },
      take: MAX_CANDIDATES,
    });
  }

  /** Platform scope 'portal-webhook' (read-only): those organisations' configuration of the portal. */
  targetsOf(m: EntityManager, portal: SyndicationPortal, organizationIds: string[]): Promise<PortalTarget[]> {
    if (organizationIds.length === 0) return Promise.resolve([]);
    return m.getRepository(PortalTarget).findBy({ portal, organizationId: In(organizationIds) });
  }

  /** False when this event id was received before (the unique index decides, also under concurrency). */
  async recordReceipt(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
    eventId: string,
    eventType: string,
  ): Promise<boolean> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(PortalWebhookReceipt)
      .values({ organizationId, portal, eventId, eventType })
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  /**
   * Platform scope 'webhook-receipts-expire': deletes receipts older than the retention (the scope's
   * policy lets it see nothing younger, whatever this query says); returns how many.
   */
  async deleteReceiptsOlderThan(m: EntityManager, days: number): Promise<number> {
    const deleted = await m
      .createQueryBuilder()
      .delete()
      .from(PortalWebhookReceipt)
      .where(`received_at < now() - make_interval(days => :days)`, { days })
      .execute();
    return deleted.affected ?? 0;
  }

  /** Stores an inquiry once per portal inquiry id; true when it is new. */
  /** The new inquiry's id, or null when this portal inquiry id was stored before. */
  async storeInquiry(m: EntityManager, inquiry: Partial<ListingInquiry>): Promise<string | null> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(ListingInquiry)
      .values(inquiry)
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    return (inserted.raw as { id: string }[])[0]?.id ?? null;
  }
}
