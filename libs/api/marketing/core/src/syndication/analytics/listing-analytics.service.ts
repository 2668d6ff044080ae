import { Injectable } from '@nestjs/common';
import { Listing } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { mayManage } from '../../listings/listing-rules';
import { PortalStatsRepository } from '../portal-stats.repository';
import { SyndicationError, SyndicationErrorCode } from '../syndication.errors';
import type {
  AnalyticsCounts,
  ListingAnalyticsQueryDto,
  ListingAnalyticsResponse,
  PortalAnalytics,
} from './listing-analytics.dto';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

/** What the portals reported about a listing: per portal per day, per portal, and in total. */
@Injectable()
export class ListingAnalyticsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly stats: PortalStatsRepository,
  ) {}

  analytics(t: Tenant, listingId: string, q: ListingAnalyticsQueryDto): Promise<ListingAnalyticsResponse> {
    const { from, to } = range(q);
    return this.tenant.run(scopeOf(t), async (m) => {
      const listing = await m
        .getRepository(Listing)
        .findOneBy({ organizationId: t.organizationId, id: listingId });
      if (!listing) throw new SyndicationError(SyndicationErrorCode.ListingNotFound, 'Listing not found');
      if (!mayManage(t.role, t.userId, listing.contactUserId)) {
        throw new SyndicationError(
          SyndicationErrorCode.ListingNotYours,
          'Realtors see only the listings they are the contact of',
        );
      }
      const days = await this.stats.range(m, t.organizationId, listingId, from, to);
      const portals = new Map<string, PortalAnalytics>();
      const totals: AnalyticsCounts = { views: 0, favorites: 0, inquiries: 0 };
      for (const d of days) {
        const p = portals.get(d.portal) ?? { portal: d.portal, views: 0, favorites: 0, inquiries: 0 };
        for (const key of ['views', 'favorites', 'inquiries'] as const) {
          p[key] += d[key];
          totals[key] += d[key];
        }
        portals.set(d.portal, p);
      }
      return {
        listingId,
        from,
        to,
        totals,
        portals: [...portals.values()].sort((a, b) => a.portal.localeCompare(b.portal)),
        days: days.map((d) => ({
          day: d.day,
          portal: d.portal,
          views: d.views,
          favorites: d.favorites,
          inquiries: d.inquiries,
        })),
      };
    });
  }
}

function range(q: ListingAnalyticsQueryDto): { from: string; to: string } {
  const to = q.to ?? new Date().toISOString().slice(0, 10);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from = q.from ?? new Date(toMs - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const problems = [];
  // Date.parse accepts 2026-02-31 (rolling over); a real day prints back as itself.
  for (const [field, value, ms] of [
    ['from', from, fromMs],
    ['to', to, toMs],
  ] as const) {
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
      problems.push({ field, message: `${field} is not a calendar day` });
  }
  if (!problems.length && fromMs > toMs) problems.push({ field: 'from', message: 'from is after to' });
  if (!problems.length && (toMs - fromMs) / DAY_MS + 1 > MAX_DAYS)
    problems.push({ field: 'from', message: `At most ${MAX_DAYS} days at once` });
  if (problems.length) {
    throw new SyndicationError(
      SyndicationErrorCode.InvalidDateRange,
      'The date range is not valid',
      problems,
    );
  }
  return { from, to };
}
