import { Injectable, Logger } from '@nestjs/common';
import {
  Listing,
  type ListingSyndication,
  type SyndicationPortal,
  type SyndicationStatus,
} from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { consumeOnce, OutboxWriter } from '@ppt/events';
import type { Page } from '@ppt/http';
import type { PortalSyncJobData } from '@ppt/queue';
import type { PreflightIssue, SyndicationListing } from '@ppt/syndication';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { PortalAdapters } from './adapters/portal-adapters';
import type {
  ListingPortalsChangeResponse,
  ListingPortalsResponse,
  PreflightResponse,
  PutListingPortalsDto,
  RetrySyndicationDto,
  SyndicationActionResponse,
  SyndicationResponse,
  SyndicationStatusQueryDto,
  WithdrawSyndicationDto,
} from './dto/syndication.dto';
import { PortalTargetsService, type OpenedTarget } from './portal-targets.service';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationListings } from './syndication-listings';
import { ON_MARKET, SyndicationRepository } from './syndication.repository';
import { SyndicationError, SyndicationErrorCode } from './syndication.errors';

type PlannedJob = PortalSyncJobData & { supersedes?: Pick<PortalSyncJobData, 'version' | 'action'> };

/**
 * The transitions a `listing_syndications` row may make (null: a new row). Anything else is a bug
 * in whoever asked for it: logged and refused, so a row never jumps to a state no job produced.
 */
export const SYNDICATION_TRANSITIONS: Readonly<
  Record<SyndicationStatus | 'new', readonly SyndicationStatus[]>
> = {
  new: ['pending', 'removing'],
  // claimed by its job; replanned to a removal; refused by pre-flight or failed for good
  pending: ['syncing', 'removing', 'failed'],
  // the portal took it; a retry waits; failed for good; a newer change removes it meanwhile
  syncing: ['active', 'pending', 'failed', 'removing'],
  // a newer version or a repair; taken off; the portal took it down (webhook)
  active: ['pending', 'removing', 'failed'],
  // a manager's retry or a new change; the portal shows it again (webhook)
  failed: ['pending', 'removing', 'active'],
  // done; failed for good; listed again before the removal ran
  removing: ['removed', 'failed', 'pending'],
  // listed again; a repair of an advert still on the portal
  removed: ['pending', 'removing'],
};

export class ImpossibleTransitionError extends Error {
  constructor(
    readonly syndicationId: string,
    readonly from: SyndicationStatus | null,
    readonly to: SyndicationStatus,
  ) {
    super(`listing_syndications ${syndicationId}: ${from ?? 'new'} → ${to} is not a valid transition`);
    this.name = 'ImpossibleTransitionError';
  }
}

/** A planned change gets an intent id of its own; retries of it keep the row's (see intentId). */
export function newIntent(): { intentId: string } {
  return { intentId: randomUUID() };
}

/**
 * What each listing should look like on each portal, and the jobs that get it there. Planning runs
 * in the listing's tenant transaction with the listing's rows locked; jobs are queued after commit
 * (re-planning the same version queues the same job ids again, which Bull ignores).
 */
@Injectable()
export class SyndicationService {
  private readonly logger = new Logger(SyndicationService.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly rows: SyndicationRepository,
    private readonly targets: PortalTargetsService,
    private readonly adapters: PortalAdapters,
    private readonly listings: SyndicationListings,
    private readonly jobs: SyndicationJobs,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * After a listing change (its outbox event): one job per portal that has to change. Runs in the
   * worker only: if Redis refuses a job here, the event job fails and Bull's retry plans again, which
   * queues the same job ids (sooner than the stuck pass would).
   *
   * Re-planning is idempotent except for one effect: a listing published again lifts the holds that
   * per-portal withdrawals left. That effect is applied once per event (consumeOnce, in the planning
   * transaction), so a redelivered old `published` event cannot put a listing back on a portal it
   * was withdrawn from since.
   */
  async planListing(
    organizationId: string,
    listingId: string,
    republished: boolean,
    eventId?: string,
  ): Promise<number> {
    const jobs = await this.tenant.run({ organizationId }, async (m) => {
      let liftHolds = republished && !eventId;
      if (republished && eventId) {
        await consumeOnce(m, 'syndication-plan', eventId, async () => void (liftHolds = true));
      }
      // Locked: a plan made from a listing read before a concurrent portal choice committed would
      // undo that choice (the choice does not change the version the other guards compare).
      const listing = await this.rows.lockListing(m, organizationId, listingId);
      if (!listing) return [];
      // Back on the market after being on portals before (rows exist): a republication.
      const before = liftHolds ? await this.rows.lockForListing(m, organizationId, listingId) : [];
      const planned = await this.plan(m, listing, { republished: liftHolds });
      if (liftHolds && before.length > 0 && ON_MARKET.has(listing.status)) {
        await this.outbox.write(m, {
          type: 'listing.republished',
          organizationId,
          aggregateId: listing.id,
          aggregateVersion: listing.version,
          payload: {
            listingId: listing.id,
            version: listing.version,
            portals: planned.filter((j) => j.action === 'list').map((j) => j.portal),
          },
        });
      }
      return planned;
    });
    await this.enqueueAll(jobs);
    return jobs.length;
  }

  /**
   * A portal was turned on or off: every listing on the market is planned again, which adds the
   * portal or takes the listing off it, and so is every listing still on `portal` (whatever its
   * status, so a disabled portal ends with nothing live). A listing the portal would refuse gets a
   * failed row naming what to fix (no job; see plan()).
   */
  async planOrganization(organizationId: string, portal?: SyndicationPortal): Promise<{ planned: number }> {
    const ids = await this.tenant.run({ organizationId }, async (m) => {
      const onMarket = await this.rows.listingIdsOnMarket(m, organizationId);
      const onPortal = portal ? await this.rows.listingsOnPortal(m, organizationId, portal) : [];
      return [...new Set([...onMarket, ...onPortal])];
    });
    let planned = 0;
    for (const listingId of ids) planned += await this.planListing(organizationId, listingId, false);
    return { planned };
  }

  /** Per selected portal, what it would refuse in this listing (empty lists: it would take it). */
  async preflight(
    m: EntityManager,
    listing: Listing,
  ): Promise<{ portal: SyndicationPortal; issues: PreflightIssue[] }[]> {
    const view = await this.listings.of(m, listing);
    const targets = this.selected(listing, view, await this.targets.enabled(m, listing.organizationId));
    return targets.map((target) => ({
      portal: target.portal,
      issues: this.adapters
        .get(target.portal)
        .preflight(view, { organizationId: listing.organizationId, ...target }),
    }));
  }

  /** Throws 422 with every portal's list of what to fix, before anything is saved or queued. */
  async assertPortalsAccept(m: EntityManager, listing: Listing): Promise<void> {
    const results = await this.preflight(m, listing);
    const failing = results.filter((r) => r.issues.length > 0);
    if (failing.length === 0) return;
    throw new SyndicationError(
      SyndicationErrorCode.PortalRules,
      `Portals would refuse this listing: ${failing.map((r) => r.portal).join(', ')}`,
      failing.flatMap((r) =>
        r.issues.map((i) => ({
          field: i.field,
          message: `${r.portal}: ${i.message}`,
          portal: r.portal,
          rule: i.rule,
        })),
      ),
    );
  }

  /**
   * The portals a listing goes to: the manager's choice among the enabled portals, or by default
   * every enabled portal whose market (country, currency, transaction) fits the listing — so a
   * Czech listing is not checked against, or sent to, a German portal and the other way round.
   */
  selected(listing: Listing, view: SyndicationListing, enabled: OpenedTarget[]): OpenedTarget[] {
    if (listing.portalSelection) return enabled.filter((t) => listing.portalSelection!.includes(t.portal));
    return enabled.filter((t) => this.adapters.get(t.portal).appliesTo(view));
  }

  /** The listing's portals: which enabled ones it goes to (and whether by choice), with its overrides. */
  portals(t: Tenant, listingId: string): Promise<ListingPortalsResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const listing = await this.mustFindListing(m, t, listingId);
      return this.describePortals(m, listing);
    });
  }

  /**
   * A manager chooses the listing's portals (null: back to the default) and, optionally, replaces
   * its per-portal overrides. Everything is checked before anything is saved: each portal named
   * must be enabled, the overrides valid per portal, and — for a listing on the market — every
   * selected portal's pre-flight must pass. Then the listing is planned at once: a portal added
   * gets the advert, a portal removed has it withdrawn there only. Overrides that change are a
   * change of the listing (new version), so the portals that show it get them.
   */
  async setPortals(
    t: Tenant,
    listingId: string,
    dto: PutListingPortalsDto,
  ): Promise<ListingPortalsChangeResponse> {
    const { response, jobs } = await this.tenant.run(scopeOf(t), async (m) => {
      const listing = await this.mustFindListing(m, t, listingId, { lock: true });
      if (['sold', 'rented'].includes(listing.status))
        throw new SyndicationError(
          SyndicationErrorCode.ListingClosed,
          `A ${listing.status} listing is off the market for good`,
        );
      const enabled = await this.targets.enabled(m, t.organizationId);
      const chosen = dto.portals === null ? null : [...new Set(dto.portals)];
      const notEnabled = (chosen ?? []).filter((p) => !enabled.some((e) => e.portal === p));
      if (notEnabled.length)
        throw new SyndicationError(
          SyndicationErrorCode.PortalNotEnabled,
          `Not enabled for this organisation: ${notEnabled.join(', ')}`,
          notEnabled.map((portal) => ({ field: 'portals', message: `${portal} is not enabled`, portal })),
        );
      const changes: Partial<Listing> = { portalSelection: chosen };
      // Validated per portal by the DTO (IsPortalOverrides); a change is a change of the listing.
      if (
        dto.overrides !== undefined &&
        JSON.stringify(dto.overrides) !== JSON.stringify(listing.portalOverrides)
      )
        changes.portalOverrides = dto.overrides;
      await this.rows.updateListing(
        m,
        t.organizationId,
        listing.id,
        changes,
        changes.portalOverrides !== undefined,
      );
      const after = (await this.rows.listing(m, t.organizationId, listing.id))!;
      // Nothing is saved if a selected portal would refuse a listing that is on the market.
      if (ON_MARKET.has(after.status)) await this.assertPortalsAccept(m, after);
      // Naming a portal the manager withdrew the listing from (held) is asking for it back there.
      for (const row of await this.rows.lockForListing(m, t.organizationId, listing.id))
        if (row.held && chosen?.includes(row.portal)) await this.rows.update(m, row, { held: false });
      const planned = await this.plan(m, after, { republished: false });
      return { response: await this.describePortals(m, after), jobs: planned };
    });
    // Committed: a job Redis refuses now waits in pending/removing for the nightly pass (as for withdraw).
    for (const { supersedes, ...job } of jobs) {
      await this.jobs
        .enqueue(job, supersedes)
        .catch((err: unknown) =>
          this.logger.warn({ err, listingId: job.listingId, portal: job.portal }, 'Portal change not queued'),
        );
    }
    return { ...response, queued: jobs.length };
  }

  private async describePortals(m: EntityManager, listing: Listing): Promise<ListingPortalsResponse> {
    const view = await this.listings.of(m, listing);
    const enabled = await this.targets.enabled(m, listing.organizationId);
    const selected = new Set(this.selected(listing, view, enabled).map((t) => t.portal));
    return {
      listingId: listing.id,
      explicit: listing.portalSelection !== null,
      portals: enabled.map((t) => ({
        portal: t.portal,
        selected: selected.has(t.portal),
        applies: this.adapters.get(t.portal).appliesTo(view),
      })),
      overrides: listing.portalOverrides,
    };
  }

  checkListing(t: Tenant, listingId: string): Promise<PreflightResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const listing = await this.mustFindListing(m, t, listingId);
      const portals = (await this.preflight(m, listing)).map((r) => ({ ...r, ok: r.issues.length === 0 }));
      return { ok: portals.every((p) => p.ok), portals };
    });
  }

  status(t: Tenant, q: SyndicationStatusQueryDto): Promise<Page<SyndicationResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [rows, total] = await this.rows.page(m, t.organizationId, q);
      const history = await this.rows.transitions(
        m,
        t.organizationId,
        rows.map((r) => r.id),
      );
      return {
        items: rows.map((r) =>
          toResponse(
            r,
            history.filter((h) => h.syndicationId === r.id),
          ),
        ),
        total,
        limit: q.limit,
        offset: q.offset,
      };
    });
  }

  /** Failed portals start over: attempts reset, the dead-lettered job runs again. */
  async retry(t: Tenant, dto: RetrySyndicationDto): Promise<SyndicationActionResponse> {
    if (!dto.ids && !dto.listingId) {
      throw new SyndicationError(
        SyndicationErrorCode.InvalidPortalConfig,
        'Name syndication ids or a listingId',
        [{ field: 'ids', message: 'ids or listingId is required' }],
      );
    }
    const { rows, jobs } = await this.tenant.run(scopeOf(t), async (m) => {
      const locked = dto.ids
        ? await this.rows.lockByIds(m, t.organizationId, dto.ids)
        : await this.rows.lockForListing(m, t.organizationId, dto.listingId!);
      if (dto.ids && locked.length !== new Set(dto.ids).size) {
        throw new SyndicationError(
          SyndicationErrorCode.ListingNotFound,
          'Some of these syndications do not exist',
        );
      }
      const failed = locked.filter((r) => r.status === 'failed');
      if (failed.length === 0) {
        throw new SyndicationError(
          SyndicationErrorCode.NotRetryable,
          'Nothing to retry: only failed portals can be retried',
        );
      }
      const queued: PortalSyncJobData[] = [];
      for (const row of failed) {
        await this.move(m, row, row.wanted === 'listed' ? 'pending' : 'removing', 'retry requested', {
          attempts: 0,
        });
        queued.push(jobOf(row));
      }
      return { rows: locked, jobs: queued };
    });
    for (const job of jobs) {
      // Committed already: a job Redis refuses now is queued by the nightly stuck pass, not a 500.
      await this.jobs
        .retry(job)
        .catch((err: unknown) =>
          this.logger.warn({ err, listingId: job.listingId, portal: job.portal }, 'Retry not queued'),
        );
    }
    return { queued: jobs.length, items: rows.map((r) => toResponse(r, [])) };
  }

  /** Takes a listing off some or all portals; it stays off them until it is published again. */
  async withdraw(t: Tenant, dto: WithdrawSyndicationDto): Promise<SyndicationActionResponse> {
    const { rows, jobs } = await this.tenant.run(scopeOf(t), async (m) => {
      const listing = await this.mustFindListing(m, t, dto.listingId);
      const locked = await this.rows.lockForListing(m, t.organizationId, listing.id);
      const chosen = locked.filter((r) => !dto.portals || dto.portals.includes(r.portal));
      const queued: PlannedJob[] = [];
      for (const row of chosen) {
        await this.rows.update(m, row, { held: true });
        if (row.wanted === 'removed' && (row.status === 'removed' || row.status === 'removing')) continue;
        const previous = jobOf(row);
        await this.move(m, row, 'removing', 'withdrawn by a manager', {
          wanted: 'removed',
          wantedVersion: listing.version,
          attempts: 0,
          ...newIntent(),
        });
        queued.push({ ...jobOf(row), supersedes: previous });
      }
      return { rows: chosen, jobs: queued };
    });
    for (const { supersedes, ...job } of jobs) {
      // Committed already: a job Redis refuses now is queued by the nightly stuck pass, not a 500.
      await this.jobs
        .enqueue(job, supersedes)
        .catch((err: unknown) =>
          this.logger.warn({ err, listingId: job.listingId, portal: job.portal }, 'Withdrawal not queued'),
        );
    }
    return { queued: jobs.length, items: rows.map((r) => toResponse(r, [])) };
  }

  /**
   * Decides each portal's next state for the listing as it is now. Portals: the enabled targets,
   * plus any portal still showing the listing (a disabled or removed target still gets removals).
   */
  private async plan(
    m: EntityManager,
    listing: Listing,
    options: { republished: boolean },
  ): Promise<PlannedJob[]> {
    const existing = await this.rows.lockForListing(m, listing.organizationId, listing.id);
    const view = await this.listings.of(m, listing);
    const targets = this.selected(listing, view, await this.targets.enabled(m, listing.organizationId));
    const enabled = new Set(targets.map((t) => t.portal));
    const portals = new Set<SyndicationPortal>([...enabled, ...existing.map((r) => r.portal)]);
    const jobs: PlannedJob[] = [];
    for (const portal of portals) {
      let row = existing.find((r) => r.portal === portal) ?? null;
      if (row && options.republished && row.held) await this.rows.update(m, row, { held: false });
      const listed = ON_MARKET.has(listing.status) && enabled.has(portal) && !row?.held;
      if (!row) {
        if (!listed) continue;
        row = await this.track(
          m,
          { organizationId: listing.organizationId, listingId: listing.id, portal, wanted: 'listed' },
          listing.version,
          `listing version ${listing.version}`,
        );
        // Publishing checked the portals selected then; one turned on since is checked here.
        const target = targets.find((t) => t.portal === portal)!;
        const issues = this.adapters
          .get(portal)
          .preflight(view, { organizationId: listing.organizationId, ...target });
        if (issues.length > 0) {
          const message = issues
            .map((i) => i.message)
            .join('; ')
            .slice(0, 2000);
          await this.move(m, row, 'failed', `PREFLIGHT_FAILED: ${message}`, {
            lastErrorCode: 'PREFLIGHT_FAILED',
            lastError: message,
          });
          continue;
        }
        jobs.push(jobOf(row));
        continue;
      }
      if (listing.version < row.wantedVersion) continue; // an older change arriving late
      const wanted = listed ? 'listed' : 'removed';
      const unchanged = listing.version === row.wantedVersion && wanted === row.wanted;
      if (!unchanged) {
        if (wanted === 'removed' && row.status === 'removed') {
          await this.rows.update(m, row, { wanted, wantedVersion: listing.version });
          continue;
        }
        const previous = jobOf(row);
        await this.move(
          m,
          row,
          wanted === 'listed' ? 'pending' : 'removing',
          `listing version ${listing.version}`,
          {
            wanted,
            wantedVersion: listing.version,
            attempts: 0,
            ...newIntent(),
          },
        );
        jobs.push({ ...jobOf(row), supersedes: previous });
      } else if (row.status === 'pending' || row.status === 'removing') {
        jobs.push(jobOf(row)); // planned before, maybe never queued (Redis was down): the same id again
      }
    }
    return jobs;
  }

  /** A new row (pending or removing, as wanted) with its first history entry and outbox event. */
  async track(
    m: EntityManager,
    row: Pick<ListingSyndication, 'organizationId' | 'listingId' | 'portal' | 'wanted'>,
    version: number,
    detail: string,
  ): Promise<ListingSyndication> {
    const created = await this.rows.insert(m, {
      ...row,
      status: row.wanted === 'listed' ? 'pending' : 'removing',
      wantedVersion: version,
      ...newIntent(),
    });
    await this.rows.recordTransition(m, created, null, detail);
    await this.announce(m, created, null);
    return created;
  }

  /** Changes a row's status with its history entry and outbox event (same transaction). */
  async move(
    m: EntityManager,
    row: ListingSyndication,
    to: SyndicationStatus,
    detail: string | null,
    changes: Partial<ListingSyndication> = {},
  ): Promise<void> {
    const from = row.status;
    if (from === to) {
      if (Object.keys(changes).length) await this.rows.update(m, row, changes);
      return;
    }
    if (!SYNDICATION_TRANSITIONS[from].includes(to)) {
      const err = new ImpossibleTransitionError(row.id, from, to);
      this.logger.error(
        { syndicationId: row.id, listingId: row.listingId, portal: row.portal, from, to, detail },
        err.message,
      );
      throw err;
    }
    await this.rows.update(m, row, { ...changes, status: to, revision: row.revision + 1 });
    await this.rows.recordTransition(m, row, from, detail);
    await this.announce(m, row, from);
  }

  private async announce(
    m: EntityManager,
    row: ListingSyndication,
    from: SyndicationStatus | null,
  ): Promise<void> {
    await this.outbox.write(m, {
      type: 'syndication.status_changed',
      organizationId: row.organizationId,
      aggregateId: row.id,
      aggregateVersion: row.revision,
      payload: {
        syndicationId: row.id,
        listingId: row.listingId,
        portal: row.portal,
        from,
        to: row.status,
        errorCode: row.lastErrorCode,
        error: row.lastError,
      },
    });
  }

  private async enqueueAll(jobs: PlannedJob[]): Promise<void> {
    for (const { supersedes, ...job } of jobs) await this.jobs.enqueue(job, supersedes);
  }

  private async mustFindListing(
    m: EntityManager,
    t: Tenant,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<Listing> {
    const listing = options.lock
      ? await this.rows.lockListing(m, t.organizationId, id)
      : await this.rows.listing(m, t.organizationId, id);
    if (!listing) throw new SyndicationError(SyndicationErrorCode.ListingNotFound, 'Listing not found');
    return listing;
  }
}

export function jobOf(row: ListingSyndication): PortalSyncJobData {
  return {
    organizationId: row.organizationId,
    listingId: row.listingId,
    portal: row.portal,
    version: row.wantedVersion,
    action: row.wanted === 'listed' ? 'list' : 'remove',
  };
}

export function toResponse(
  r: ListingSyndication,
  history: {
    fromStatus: SyndicationStatus | null;
    toStatus: SyndicationStatus;
    detail: string | null;
    createdAt: Date;
  }[],
): SyndicationResponse {
  return {
    id: r.id,
    listingId: r.listingId,
    portal: r.portal,
    status: r.status,
    wanted: r.wanted,
    held: r.held,
    wantedVersion: r.wantedVersion,
    syncedVersion: r.syncedVersion,
    externalId: r.externalId,
    externalUrl: r.externalUrl,
    attempts: r.attempts,
    lastAttemptAt: r.lastAttemptAt,
    lastSuccessAt: r.lastSuccessAt,
    lastErrorCode: r.lastErrorCode,
    lastError: r.lastError,
    portalStatus: r.lastPortalStatus,
    portalMessage: r.lastPortalMessage,
    history: history.map((h) => ({ from: h.fromStatus, to: h.toStatus, detail: h.detail, at: h.createdAt })),
  };
}
