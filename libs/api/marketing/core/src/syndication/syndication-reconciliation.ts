import { Inject, Injectable, Logger } from '@nestjs/common';
import { Listing, ListingSyndication, PortalTarget, type SyndicationPortal } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter, type DomainEventPayloads } from '@ppt/events';
import { processCounter } from '@ppt/observability';
import type { PortalSyncJobData } from '@ppt/queue';
import type { PortalAdapter, RemoteAdvert, SyndicationListing } from '@ppt/syndication';
import { In } from 'typeorm';
import { SyndicationEnv } from './syndication.env';
import { PortalAdapters } from './adapters/portal-adapters';
import { PortalTargetsService } from './portal-targets.service';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationListings } from './syndication-listings';
import { ON_MARKET, STUCK_STATUSES, SyndicationRepository } from './syndication.repository';
import { jobOf, newIntent, SyndicationService } from './syndication.service';
import { QueueName, Scheduled, SyndicationJob } from '@ppt/queue';

export type DriftKind = DomainEventPayloads['syndication.drift_detected']['kind'];
type Drift = DomainEventPayloads['syndication.drift_detected'];

/** What one portal of one organisation looked like, and what was done about it. */
export interface PortalReconciliation {
  organizationId: string;
  portal: SyndicationPortal;
  /** `compare`: the portal's list against ours; `replace`: a full transfer (portals that cannot list). */
  mode: 'compare' | 'replace';
  /** Adverts the portal listed (compare), or listings sent (replace). */
  adverts: number;
  drift: Partial<Record<DriftKind, number>>;
  /** Adverts under the account that carry no listing id of ours: somebody else's, left alone. */
  foreign: number;
}

export interface ReconciliationSummary {
  portals: PortalReconciliation[];
  failed: { organizationId: string; portal: SyndicationPortal; error: string }[];
  drift: number;
  /** Rows left in flight with no job behind them (it never reached Redis, or Bull lost it), queued again. */
  requeued: number;
}

/** A row this long in pending/removing/syncing is assumed to have lost its job. */
export const STUCK_AFTER_MS = 15 * 60 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const driftTotal = processCounter<'portal' | 'kind'>({
  name: 'syndication_drift_total',
  help: 'Differences nightly reconciliation found between a portal and our listings, by portal and kind',
  labelNames: ['portal', 'kind'],
});
const reconciledTotal = processCounter<'portal' | 'result'>({
  name: 'syndication_reconciled_portals_total',
  help: 'Portals of an organisation reconciled, by portal and result (ok, failed)',
  labelNames: ['portal', 'result'],
});

/**
 * The nightly comparison of each portal with what we want on it. Portals that can list our adverts
 * (Sreality's `listAdvert`) are compared advert by advert; every difference becomes a drift event and
 * is repaired through the normal job path (the row moves, a portal-sync job runs), so state and
 * history stay right and a repeated run right after the repairs finds nothing. Portals that cannot
 * list (OpenImmo) get a full transfer (VOLL) of what should be on them, which replaces their set.
 *
 * Only rows at rest are judged (`active`, `removed`), and only when they did not change after the
 * portal's list was fetched: a row in flight has a job on its way that will settle it.
 */
@Injectable()
export class SyndicationReconciliation {
  private readonly logger = new Logger(SyndicationReconciliation.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly rows: SyndicationRepository,
    private readonly syndication: SyndicationService,
    private readonly targets: PortalTargetsService,
    private readonly adapters: PortalAdapters,
    private readonly listings: SyndicationListings,
    private readonly jobs: SyndicationJobs,
    private readonly outbox: OutboxWriter,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  /**
   * Every night at 03:30 UTC: portals are quiet, and the daily maintenance jobs (02:xx) are done. On the
   * `syndication` queue rather than `maintenance`: it is syndication's own work (its providers, its
   * portal calls), pausing the syndication queue during a portal incident pauses it too, and a long
   * full transfer never holds up the housekeeping jobs.
   */
  @Scheduled({
    job: SyndicationJob.Reconcile,
    cron: '30 3 * * *',
    scope: 'syndication-reconcile',
    queue: QueueName.Syndication,
    attempts: 1,
  })
  async run(): Promise<ReconciliationSummary> {
    const now = Date.now();
    // Across organisations, in the read-only scope: the enabled portals we can check, and the
    // organisations with stuck rows (also those that only use our own portal, which needs no target row).
    const { enabled, stuckIn, ownPortal } = await this.tenant.runPlatformJob(async (m) => ({
      enabled: await m
        .createQueryBuilder(PortalTarget, 't')
        .select('t.organization_id', 'organizationId')
        .addSelect('t.portal', 'portal')
        .where('t.enabled = true')
        .orderBy('t.organization_id', 'ASC')
        .addOrderBy('t.portal', 'ASC')
        .getRawMany<{ organizationId: string; portal: SyndicationPortal }>(),
      stuckIn: await m
        .createQueryBuilder(ListingSyndication, 's')
        .select('DISTINCT s.organization_id', 'organizationId')
        .where('s.status IN (:...statuses) AND s.updated_at < :before', {
          statuses: STUCK_STATUSES,
          before: new Date(now - STUCK_AFTER_MS),
        })
        .getRawMany<{ organizationId: string }>(),
      // Our own portal is on without a portal_targets row: the organisations that have used it.
      ownPortal: await m
        .createQueryBuilder(ListingSyndication, 's')
        .select('DISTINCT s.organization_id', 'organizationId')
        .where(`s.portal = 'reality-portal'`)
        .getRawMany<{ organizationId: string }>(),
    }));
    for (const { organizationId } of ownPortal) {
      const listed = enabled.some(
        (e) => e.organizationId === organizationId && e.portal === 'reality-portal',
      );
      if (!listed) enabled.push({ organizationId, portal: 'reality-portal' });
    }
    const summary: ReconciliationSummary = { portals: [], failed: [], drift: 0, requeued: 0 };
    for (const { organizationId } of stuckIn) {
      summary.requeued += await this.requeueStuck(organizationId, now);
    }
    for (const { organizationId, portal } of enabled) {
      const adapter = this.adapters.get(portal);
      if (!adapter.list && !adapter.fullTransfer) continue;
      try {
        const result = await this.reconcile(organizationId, portal, adapter);
        if (!result) continue;
        summary.portals.push(result);
        summary.drift += Object.values(result.drift).reduce((a, b) => a + b, 0);
        reconciledTotal.inc({ portal, result: 'ok' });
      } catch (err) {
        // One portal down (or refusing our login) must not keep the others unchecked.
        const error = (err as Error)?.message ?? String(err);
        summary.failed.push({ organizationId, portal, error });
        reconciledTotal.inc({ portal, result: 'failed' });
        this.logger.warn(`Reconciliation of ${portal} (organisation ${organizationId}) failed: ${error}`);
      }
    }
    const found = summary.portals
      .filter((p) => Object.keys(p.drift).length > 0)
      .map((p) => `${p.portal}@${p.organizationId} ${JSON.stringify(p.drift)}`);
    this.logger.log(
      `Reconciliation: ${summary.portals.length} portal(s) checked, ${summary.failed.length} failed, ` +
        `${summary.drift} difference(s) repaired, ${summary.requeued} stuck row(s) queued again` +
        (found.length ? `: ${found.join('; ')}` : ''),
    );
    return summary;
  }

  /**
   * Rows planned but whose job never reached Redis (it was down after the commit) sit in pending or
   * removing; rows whose job Bull failed without our handler running sit in syncing. Their job is
   * queued again (a job still waiting or running under the id is left alone).
   */
  async requeueStuck(organizationId: string, now = Date.now()): Promise<number> {
    const stuck = await this.tenant.run({ organizationId }, (m) =>
      this.rows.stuck(m, organizationId, new Date(now - STUCK_AFTER_MS)),
    );
    for (const row of stuck) await this.jobs.requeue(jobOf(row));
    return stuck.length;
  }

  /** One portal of one organisation; null when it was disabled meanwhile. */
  async reconcile(
    organizationId: string,
    portal: SyndicationPortal,
    adapter: PortalAdapter = this.adapters.get(portal),
  ): Promise<PortalReconciliation | null> {
    const target = await this.tenant.run({ organizationId }, (m) =>
      this.targets.get(m, organizationId, portal),
    );
    if (!target?.enabled) return null;
    const context = {
      organizationId,
      credentials: target.credentials,
      options: { timeoutMs: this.env.SYNDICATION_PORTAL_TIMEOUT_MS, ...target.options },
    };
    if (adapter.list) {
      // Taken before the call: a row that changes after it may be newer than what the portal said.
      const askedAt = new Date();
      const remote = await adapter.list(context);
      if (remote) {
        return this.compare(organizationId, portal, remote, askedAt, (ref) => adapter.remove(ref, context));
      }
    }
    if (!adapter.fullTransfer) return null;
    const listings = await this.wantedOn(organizationId, portal);
    await adapter.fullTransfer(listings, context);
    return { organizationId, portal, mode: 'replace', adverts: listings.length, drift: {}, foreign: 0 };
  }

  private async compare(
    organizationId: string,
    portal: SyndicationPortal,
    remote: RemoteAdvert[],
    askedAt: Date,
    removeUnknown: (ref: {
      listingId: string;
      organizationId: string;
      externalId: string;
      version: number;
    }) => Promise<void>,
  ): Promise<PortalReconciliation> {
    const there = new Map<string, RemoteAdvert>();
    let foreign = 0;
    for (const advert of remote) {
      if (advert.listingId && UUID.test(advert.listingId)) there.set(advert.listingId, advert);
      else foreign += 1;
    }
    const result: PortalReconciliation = {
      organizationId,
      portal,
      mode: 'compare',
      adverts: remote.length,
      drift: {},
      foreign,
    };
    const { jobs, unknown } = await this.tenant.run({ organizationId }, async (m) => {
      const rows = await this.rows.lockForPortal(m, organizationId, portal);
      const ids = [...new Set([...rows.map((r) => r.listingId), ...there.keys()])];
      const listings = new Map(
        (ids.length
          ? await m.getRepository(Listing).find({
              where: { organizationId, id: In(ids) },
              select: {
                id: true,
                status: true,
                version: true,
                priceAmount: true,
                currency: true,
                updatedAt: true,
              },
            })
          : []
        ).map((l) => [l.id, l]),
      );
      const jobs: PortalSyncJobData[] = [];
      const unknown: (RemoteAdvert & { listingId: string })[] = [];
      const found = async (drift: Omit<Drift, 'portal'>, version: number) => {
        result.drift[drift.kind] = (result.drift[drift.kind] ?? 0) + 1;
        driftTotal.inc({ portal, kind: drift.kind });
        await this.outbox.write(m, {
          type: 'syndication.drift_detected',
          organizationId,
          aggregateId: drift.listingId,
          aggregateVersion: version,
          payload: { ...drift, portal },
        });
      };

      for (const row of rows) {
        const advert = there.get(row.listingId) ?? null;
        there.delete(row.listingId);
        const listing = listings.get(row.listingId);
        if (!listing || row.updatedAt >= askedAt || listing.version !== row.wantedVersion) continue;
        const externalId = advert?.externalId ?? row.externalId;
        if (row.status === 'active' && row.wanted === 'listed') {
          const priceThere = advert?.priceAmount ?? null;
          const kind = !advert
            ? 'missing'
            : priceThere !== null && priceThere !== listing.priceAmount
              ? 'price'
              : null;
          if (!kind) continue;
          const detail =
            kind === 'missing'
              ? 'missing on the portal'
              : `price differs on the portal (${priceThere} there, ${listing.priceAmount} here, ${listing.currency} minor units)`;
          await found(
            { listingId: row.listingId, kind, externalId, detail, repair: 'list' },
            listing.version,
          );
          await this.syndication.move(m, row, 'pending', detail, { attempts: 0, ...newIntent() });
          jobs.push(jobOf(row));
        } else if (row.status === 'removed' && advert) {
          const detail = 'still on the portal although taken off here';
          await found(
            { listingId: row.listingId, kind: 'unexpected', externalId, detail, repair: 'remove' },
            listing.version,
          );
          await this.syndication.move(m, row, 'removing', detail, { attempts: 0, ...newIntent() });
          jobs.push(jobOf(row));
        }
      }

      // Adverts we have no row for: do what planning would (list what is on the market, remove the rest).
      for (const [listingId, advert] of there) {
        const listing = listings.get(listingId);
        if (!listing) {
          const detail = 'on the portal under a listing id we do not have (deleted here?)';
          await found(
            { listingId, kind: 'unknown', externalId: advert.externalId, detail, repair: 'remove' },
            0,
          );
          unknown.push({ ...advert, listingId });
          continue;
        }
        if (listing.updatedAt >= askedAt) continue; // its planning may be under way
        const listed = ON_MARKET.has(listing.status);
        const detail = listed
          ? 'on the portal but not tracked here'
          : `on the portal although the listing is ${listing.status}`;
        await found(
          {
            listingId,
            kind: listed ? 'untracked' : 'unexpected',
            externalId: advert.externalId,
            detail,
            repair: listed ? 'list' : 'remove',
          },
          listing.version,
        );
        const row = await this.syndication.track(
          m,
          { organizationId, listingId, portal, wanted: listed ? 'listed' : 'removed' },
          listing.version,
          detail,
        );
        if (!listed) await this.rows.update(m, row, { externalId: advert.externalId });
        jobs.push(jobOf(row));
      }
      return { jobs, unknown };
    });

    // After commit: the rows already say what is wanted, so a job lost here is queued again by the next run.
    for (const job of jobs) await this.jobs.requeue(job);
    for (const advert of unknown) {
      await removeUnknown({
        listingId: advert.listingId,
        organizationId,
        externalId: advert.externalId,
        version: 0,
      });
    }
    return result;
  }

  /**
   * The listings that should be on a portal: wanted there and in flight or active, plus failed rows
   * whose previous version is still live there (see SyndicationRepository.failedButLive). The VOLL
   * replaces the portal's whole set, so leaving those out would delete a live advert because of a
   * failed update. We keep no copy of the synced version, so they go with the current listing (it
   * passed our preflight): the advert stays live, at worst showing the update a TEIL job could not send.
   */
  private wantedOn(organizationId: string, portal: SyndicationPortal): Promise<SyndicationListing[]> {
    return this.tenant.run({ organizationId }, async (m) => {
      const rows = await m.getRepository(ListingSyndication).find({
        where: { organizationId, portal, wanted: 'listed', status: In(['pending', 'syncing', 'active']) },
        order: { listingId: 'ASC' },
      });
      const ids = [
        ...rows.map((r) => r.listingId),
        ...(await this.rows.failedButLive(m, organizationId, portal)),
      ].sort();
      const views: SyndicationListing[] = [];
      for (const id of ids) {
        const view = await this.listings.load(m, organizationId, id);
        if (view && ON_MARKET.has(view.status)) views.push(view);
      }
      return views;
    });
  }
}
