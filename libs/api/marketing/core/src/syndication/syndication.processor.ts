import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Inject, Logger } from '@nestjs/common';
import { Permission, rolesWith } from '@ppt/auth';
import {
  Membership,
  type ListingSyndication,
  type SyndicationPortal,
  type SyndicationStatus,
} from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { DomainEvent } from '@ppt/events';
import { processCounter, processHistogram } from '@ppt/observability';
import { QueueName, SyndicationJob, type PortalSyncJobData } from '@ppt/queue';
import { isRetryable, PortalError, type PublishedAdvert, type SyndicationListing } from '@ppt/syndication';
import type { Job } from 'bull';
import { In, type EntityManager } from 'typeorm';
import { NotificationsService } from '@ppt/api-community-core';
import { SyndicationEnv } from './syndication.env';
import { PortalAdapters } from './adapters/portal-adapters';
import { PortalSyncHolds } from './portal-sync-holds';
import { PortalTargetsService, type OpenedTarget } from './portal-targets.service';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationListings } from './syndication-listings';
import { SyndicationRepository } from './syndication.repository';
import { SyndicationService } from './syndication.service';

/**
 * Portal jobs one worker runs at once. Each portal may use only SYNDICATION_PORTAL_CONCURRENCY of
 * them (across workers, see PortalSyncHolds), so with four portals at the default of 4 a portal that
 * hangs holds a quarter of a worker, and jobs beyond its slots wait delayed, not in a slot.
 */
export const PORTAL_SYNC_CONCURRENCY = 16;

const IN_FLIGHT = new Set<SyndicationStatus>(['pending', 'syncing', 'removing']);

const LISTING_EVENTS = ['listing.published', 'listing.updated', 'listing.status_changed'] as const;

const portalCalls = processCounter<'portal' | 'result'>({
  name: 'syndication_portal_calls_total',
  help: 'Portal jobs run, by portal and result (ok, retry, failed, superseded, deferred)',
  labelNames: ['portal', 'result'],
});
const portalCallSeconds = processHistogram<'portal'>({
  name: 'syndication_portal_call_seconds',
  help: 'Duration of one portal call (publish or remove)',
  labelNames: ['portal'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

interface Claimed {
  row: ListingSyndication;
  listing: SyndicationListing | null;
  target: OpenedTarget | null;
}

/**
 * The worker side of syndication: listing events become per-portal plans, and each portal job makes
 * one portal show what we want. A job whose version was overtaken by a newer change stands down; jobs
 * of the same listing and portal never call the portal at the same time (a Redis lock), so an older
 * job can never overwrite a newer advert.
 */
@Processor(QueueName.Syndication)
export class SyndicationProcessor {
  private readonly logger = new Logger(SyndicationProcessor.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly syndication: SyndicationService,
    private readonly rows: SyndicationRepository,
    private readonly targets: PortalTargetsService,
    private readonly listings: SyndicationListings,
    private readonly adapters: PortalAdapters,
    private readonly holds: PortalSyncHolds,
    private readonly jobs: SyndicationJobs,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
    private readonly notifications: NotificationsService,
  ) {}

  @Process({ name: LISTING_EVENTS[0] })
  onPublished(job: Job<DomainEvent<'listing.published'>>): Promise<{ jobs: number }> {
    return this.plan(job.data, true);
  }

  @Process({ name: LISTING_EVENTS[1] })
  onUpdated(job: Job<DomainEvent<'listing.updated'>>): Promise<{ jobs: number }> {
    return this.plan(job.data, false);
  }

  @Process({ name: LISTING_EVENTS[2] })
  onStatusChanged(job: Job<DomainEvent<'listing.status_changed'>>): Promise<{ jobs: number }> {
    return this.plan(
      job.data,
      job.data.payload.status === 'published' && job.data.payload.previousStatus === 'withdrawn',
    );
  }

  @Process({ name: SyndicationJob.PlanPortal })
  planPortal(job: Job<{ organizationId: string; portal: SyndicationPortal }>): Promise<{ planned: number }> {
    return this.syndication.planOrganization(job.data.organizationId, job.data.portal);
  }

  @Process({ name: SyndicationJob.PortalSync, concurrency: PORTAL_SYNC_CONCURRENCY })
  async sync(job: Job<PortalSyncJobData>): Promise<{ result: string }> {
    const data = job.data;
    const portal = data.portal as SyndicationPortal;
    const hold = await this.holds.take(data.listingId, portal, String(job.id));
    if (typeof hold === 'string') {
      // Busy listing or a portal at its limit: come back later instead of waiting in a worker slot.
      await this.jobs.defer(data);
      portalCalls.inc({ portal, result: 'deferred' });
      return { result: `deferred:${hold}` };
    }
    try {
      const claimed = await this.claim(data);
      if (!claimed) {
        portalCalls.inc({ portal, result: 'superseded' });
        return { result: 'superseded' };
      }
      const stop = portalCallSeconds.startTimer({ portal });
      try {
        const published = await this.call(data, claimed);
        stop();
        await this.succeed(data, published);
        portalCalls.inc({ portal, result: 'ok' });
        return { result: data.action === 'list' ? 'listed' : 'removed' };
      } catch (err) {
        stop();
        const final = !isRetryable(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await this.fail(data, err, final);
        portalCalls.inc({ portal, result: final ? 'failed' : 'retry' });
        // `retryable: false` makes the jittered backoff give up at once (the row already says why).
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { retryable: !final });
      }
    } finally {
      await hold.release();
    }
  }

  /**
   * Bull can fail a portal job without our handler seeing it (stalled more than maxStalledCount), or
   * after fail() itself threw: the row would stay in flight for ever. 'failed' also fires for attempts
   * Bull will retry, so only a job that is failed for good counts.
   */
  @OnQueueFailed()
  async onFailed(job: Job<PortalSyncJobData> | null, err: unknown): Promise<void> {
    if (job?.name !== SyndicationJob.PortalSync) return;
    try {
      if (!(await job.isFailed())) return;
      await this.abandon(job.data, err);
    } catch (e) {
      // An event listener: nothing awaits it, so it must not reject (the stuck pass retries later).
      this.logger.error({ err: e, jobId: job.id }, 'Could not mark a failed portal job’s row failed');
    }
  }

  private async plan(event: DomainEvent, republished: boolean): Promise<{ jobs: number }> {
    const jobs = await this.syndication.planListing(
      event.organizationId,
      event.aggregateId,
      republished,
      event.id,
    );
    return { jobs };
  }

  /** The job's row, locked; null when it is gone or a newer change has overtaken this job. */
  private async rowOfJob(m: EntityManager, data: PortalSyncJobData): Promise<ListingSyndication | null> {
    const row = await this.rows.lockOne(
      m,
      data.organizationId,
      data.listingId,
      data.portal as SyndicationPortal,
    );
    const current =
      row && row.wantedVersion === data.version && (row.wanted === 'listed') === (data.action === 'list');
    return current ? row : null;
  }

  /** Marks the row syncing (or removing) if this job still carries the wanted version. */
  private claim(data: PortalSyncJobData): Promise<Claimed | null> {
    return this.tenant.run({ organizationId: data.organizationId }, async (m) => {
      const row = await this.rowOfJob(m, data);
      if (!row) return null;
      if (row.status === 'active' || row.status === 'removed') return null; // done by an earlier run of this job
      const listing = await this.listings.load(m, data.organizationId, data.listingId);
      const target = await this.targets.get(m, data.organizationId, row.portal);
      await this.syndication.move(m, row, data.action === 'list' ? 'syncing' : 'removing', null, {
        attempts: row.attempts + 1,
        lastAttemptAt: new Date(),
      });
      return { row, listing, target };
    });
  }

  private async call(
    data: PortalSyncJobData,
    { row, listing, target }: Claimed,
  ): Promise<PublishedAdvert | null> {
    if (!target) throw new PortalError('PORTAL_REJECTED', `${row.portal} is not configured any more`, false);
    // The portal refused these credentials before: calling again only repeats that (and can lock
    // the account). The manager saves new credentials, which clears the mark, and retries.
    if (target.credentialsRejectedAt)
      throw new PortalError(
        'INVALID_LOGIN',
        `${row.portal}: the credentials were refused; save new ones and retry`,
        false,
      );
    const adapter = this.adapters.get(row.portal);
    const context = {
      organizationId: data.organizationId,
      credentials: target.credentials,
      options: { timeoutMs: this.env.SYNDICATION_PORTAL_TIMEOUT_MS, ...target.options },
      // The row's status-change count after claim() (each change also adds a syndication_transitions
      // entry, never deleted): it grows between any two runs that could send different things, so
      // the Reality Portal's feed versions built from it only go up (see RealityPortalAdapter).
      sequence: row.revision,
      // Kept by every retry of this planned change, new for the next one (webhook-id).
      intent: row.intentId,
    };
    if (data.action === 'list') {
      if (!listing) throw new PortalError('PORTAL_REJECTED', 'The listing no longer exists', false);
      return adapter.publish(listing, context);
    }
    await adapter.remove(
      {
        listingId: data.listingId,
        organizationId: data.organizationId,
        externalId: row.externalId,
        version: data.version,
        ...(listing ? { listing } : {}),
      },
      context,
    );
    return null;
  }

  private succeed(data: PortalSyncJobData, published: PublishedAdvert | null): Promise<void> {
    return this.tenant.run({ organizationId: data.organizationId }, async (m) => {
      const row = await this.rows.lockOne(
        m,
        data.organizationId,
        data.listingId,
        data.portal as SyndicationPortal,
      );
      if (!row) return;
      // The portal's id is worth keeping even when a newer change already overtook this job.
      const identity = published ? { externalId: published.externalId, externalUrl: published.url } : {};
      if (row.wantedVersion !== data.version || (row.wanted === 'listed') !== (data.action === 'list')) {
        if (published) await this.rows.update(m, row, identity);
        return;
      }
      await this.syndication.move(m, row, data.action === 'list' ? 'active' : 'removed', null, {
        ...identity,
        ...(data.action === 'remove' ? { externalUrl: null } : {}),
        syncedVersion: data.version,
        lastSuccessAt: new Date(),
        lastErrorCode: null,
        lastError: null,
      });
    });
  }

  private fail(data: PortalSyncJobData, err: unknown, final: boolean): Promise<void> {
    const { code, message, portalStatus, portalMessage } = describe(err);
    if (!(err instanceof PortalError))
      this.logger.warn({ err, listingId: data.listingId, portal: data.portal }, 'Portal job failed');
    else if (err.portalMessage)
      this.logger.warn(
        {
          listingId: data.listingId,
          portal: data.portal,
          code: err.code,
          portalMessage: err.portalMessage.slice(0, 1000),
        },
        'The portal refused a job',
      );
    return this.tenant.run({ organizationId: data.organizationId }, async (m) => {
      const row = await this.rows.lockOne(
        m,
        data.organizationId,
        data.listingId,
        data.portal as SyndicationPortal,
      );
      if (!row || row.wantedVersion !== data.version) return;
      const errorFields = {
        lastErrorCode: code,
        lastError: message,
        lastPortalStatus: portalStatus,
        lastPortalMessage: portalMessage,
      };
      const next = final ? 'failed' : data.action === 'list' ? 'pending' : 'removing';
      await this.syndication.move(m, row, next, final ? `${code}: ${message}` : null, errorFields);
      // Only the portal's own refusal marks the credentials (not our "refused before" short cut).
      if (err instanceof PortalError && err.code === 'INVALID_LOGIN' && err.portalStatus !== null) {
        const first = await this.targets.credentialsRejected(m, data.organizationId, row.portal, {
          errorCode: code,
          portalStatus,
        });
        if (first) await this.tellManagers(m, data.organizationId, row.portal);
      }
    });
  }

  /** The organisation's admins and managers learn (in-app, and by e-mail unless turned off) once. */
  private async tellManagers(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<void> {
    const managers = await m.find(Membership, {
      select: { userId: true },
      where: { organizationId, role: In(rolesWith(Permission.SyndicationManage)) },
    });
    await this.notifications.notify(
      m,
      organizationId,
      managers.map((r) => r.userId),
      {
        type: 'portal_credentials',
        title: `${portal} refused our login`,
        body: `Listings wait until new ${portal} credentials are saved; then retry the failed ones.`,
        link: `/syndication/portals/${portal}`,
      },
    );
  }

  /** The job failed for good: its row, if still in flight for this job's change, becomes failed. */
  private abandon(data: PortalSyncJobData, err: unknown): Promise<void> {
    const { code, message } = describe(err);
    return this.tenant.run({ organizationId: data.organizationId }, async (m) => {
      const row = await this.rowOfJob(m, data);
      if (!row || !IN_FLIGHT.has(row.status)) return;
      await this.syndication.move(m, row, 'failed', `${code}: ${message}`, {
        lastErrorCode: code,
        lastError: message,
      });
    });
  }
}

/**
 * The code and message a row shows for a failed job: our own short wording (a status line such as
 * "Webhook: HTTP 502"), never what the portal sent — an endpoint pointed at an internal service
 * must not read its answers out to the manager. The portal's words go to the log (see `fail`).
 */
function describe(err: unknown): {
  code: string;
  message: string;
  portalStatus: string | null;
  portalMessage: string | null;
} {
  const portalError = err instanceof PortalError ? err : null;
  return {
    code: portalError?.code ?? 'PORTAL_UNAVAILABLE',
    message: ((err as Error)?.message ?? String(err)).slice(0, 2000),
    portalStatus: portalError?.portalStatus != null ? String(portalError.portalStatus).slice(0, 20) : null,
    // A structured status line only (already one short line); never a response body.
    portalMessage: portalError?.statusLine?.slice(0, 200) ?? null,
  };
}
