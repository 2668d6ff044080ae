import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import {
  addFresh,
  COMPLETED_JOBS_KEPT,
  JITTERED_BACKOFF,
  QueueName,
  SyndicationJob,
  waitForJob,
  type PortalSyncJobData,
} from '@ppt/queue';
import type { Queue } from 'bull';
import { SyndicationEnv } from './syndication.env';

/**
 * Portal jobs on the `syndication` queue. One job id per listing, portal, listing version and action, so
 * the same change never queues twice; a newer change removes the older job while it is still waiting.
 */
@Injectable()
export class SyndicationJobs {
  constructor(
    @InjectQueue(QueueName.Syndication) private readonly queue: Queue,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  static jobId(data: Pick<PortalSyncJobData, 'listingId' | 'portal' | 'version' | 'action'>): string {
    return `sync:${data.listingId}:${data.portal}:${data.version}:${data.action}`;
  }

  async enqueue(
    data: PortalSyncJobData,
    supersedes?: Pick<PortalSyncJobData, 'version' | 'action'>,
  ): Promise<void> {
    const older = supersedes ? SyndicationJobs.jobId({ ...data, ...supersedes }) : null;
    if (older && older !== SyndicationJobs.jobId(data)) {
      const job = await this.queue.getJob(older);
      // Only a job nobody runs yet can go; a running one stands down by itself (it sees a newer version).
      if (job && ((await job.isWaiting()) || (await job.isDelayed())))
        await job.remove().catch(() => undefined);
    }
    // The same id can come back after other changes in between: a listing taken off a portal and listed
    // again at the same version (the portal turned off and on).
    await addFresh(this.queue, SyndicationJob.PortalSync, data, {
      jobId: SyndicationJobs.jobId(data),
      attempts: this.env.SYNDICATION_JOB_ATTEMPTS,
      backoff: { type: JITTERED_BACKOFF, options: { delay: this.env.SYNDICATION_BACKOFF_MS } },
      removeOnComplete: COMPLETED_JOBS_KEPT,
      removeOnFail: false,
    });
  }

  /**
   * Queues a job again although its id was used before (reconciliation and retries repair a change
   * whose job already finished). A job still running under the id gets a moment to finish first.
   */
  async requeue(data: PortalSyncJobData): Promise<void> {
    const job = await this.queue.getJob(SyndicationJobs.jobId(data));
    if (job && (await job.isActive())) await waitForJob(job, 5000).catch(() => undefined);
    await this.enqueue(data);
  }

  /**
   * A job that could not get its listing's lock or a slot of its portal (PortalSyncHolds) comes back
   * later as a delayed copy, so it waits in Redis rather than in a worker slot. The copy has an id of
   * its own (the original's id is still running); two copies of one change are harmless, the second
   * finds the row settled and stands down. The delay doubles per deferral up to 30 s, with jitter:
   * a portal that hangs for long makes its backlog poll rarely instead of churning the worker.
   */
  async defer(data: PortalSyncJobData): Promise<void> {
    const deferrals = (data.deferrals ?? 0) + 1;
    const ceiling = Math.min(30_000, 100 * 2 ** Math.min(deferrals, 9));
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    await addFresh(
      this.queue,
      SyndicationJob.PortalSync,
      { ...data, deferrals },
      {
        jobId: `${SyndicationJobs.jobId(data)}:deferred:${deferrals}`,
        delay,
        attempts: this.env.SYNDICATION_JOB_ATTEMPTS,
        backoff: { type: JITTERED_BACKOFF, options: { delay: this.env.SYNDICATION_BACKOFF_MS } },
        removeOnComplete: COMPLETED_JOBS_KEPT,
        removeOnFail: false,
      },
    );
  }

  /** After a portal is turned on or off: the worker plans its listings again (see planOrganization). */
  async planPortal(organizationId: string, portal: string): Promise<void> {
    await this.queue.add(
      SyndicationJob.PlanPortal,
      { organizationId, portal },
      {
        jobId: `plan-portal:${organizationId}:${portal}:${Date.now()}`,
        attempts: this.env.SYNDICATION_JOB_ATTEMPTS,
        backoff: { type: JITTERED_BACKOFF, options: { delay: this.env.SYNDICATION_BACKOFF_MS } },
        removeOnComplete: COMPLETED_JOBS_KEPT,
        removeOnFail: false,
      },
    );
  }

  /**
   * A manager's retry: a fresh job with all its attempts (Bull's `job.retry()` keeps attemptsMade, so a
   * dead letter would get one attempt, and does nothing for a completed job under the id).
   */
  retry(data: PortalSyncJobData): Promise<void> {
    return this.requeue(data);
  }
}
