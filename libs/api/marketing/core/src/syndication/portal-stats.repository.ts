import { Injectable } from '@nestjs/common';
import type { SyndicationPortal } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';

export interface StatsIncrement {
  organizationId: string;
  listingId: string;
  portal: SyndicationPortal;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  views?: number;
  favorites?: number;
  inquiries?: number;
}

export interface StatsDay {
  portal: SyndicationPortal;
  day: string;
  views: number;
  favorites: number;
  inquiries: number;
}

const INT_MAX = 2_147_483_647;

/** Per listing, portal and day: what the portals reported. */
@Injectable()
export class PortalStatsRepository {
  /** Adds to the day's counters (one row per listing, portal and day; concurrent events add up). */
  async add(m: EntityManager, s: StatsIncrement): Promise<void> {
    // Counters saturate instead of overflowing the integer column (which would fail the request).
    await m.query(
      `INSERT INTO listing_portal_stats (organization_id, listing_id, portal, day, views, favorites, inquiries)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organization_id, listing_id, portal, day) DO UPDATE SET
         views = LEAST(listing_portal_stats.views::bigint + excluded.views, ${INT_MAX}),
         favorites = LEAST(listing_portal_stats.favorites::bigint + excluded.favorites, ${INT_MAX}),
         inquiries = LEAST(listing_portal_stats.inquiries::bigint + excluded.inquiries, ${INT_MAX})`,
      [s.organizationId, s.listingId, s.portal, s.day, s.views ?? 0, s.favorites ?? 0, s.inquiries ?? 0],
    );
  }

  /** Days with anything reported between `from` and `to` (inclusive), by day then portal. */
  async range(
    m: EntityManager,
    organizationId: string,
    listingId: string,
    from: string,
    to: string,
  ): Promise<StatsDay[]> {
    // to_char: node-postgres would turn a `date` into a local-time Date.
    return (await m.query(
      `SELECT portal, to_char(day, 'YYYY-MM-DD') AS day, views, favorites, inquiries
         FROM listing_portal_stats
        WHERE organization_id = $1 AND listing_id = $2 AND day BETWEEN $3 AND $4
        ORDER BY day, portal`,
      [organizationId, listingId, from, to],
    )) as StatsDay[];
  }
}
