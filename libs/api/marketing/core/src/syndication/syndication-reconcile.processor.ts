import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { QueueName, SyndicationJob, scheduleRepeatable } from '@ppt/queue';
import type { Job, Queue } from 'bull';
import { OpenImmoReports, type OpenImmoReportsSummary } from './openimmo-reports';
import { RealityPortalRebuild, type RealityPortalRebuildSummary } from './reality-portal-rebuild';
import { SyndicationReconciliation, type ReconciliationSummary } from './syndication-reconciliation';

/** Every night at 03:30 UTC: portals are quiet, and the daily maintenance jobs (02:xx) are done. */
export const SYNDICATION_RECONCILE_CRON = '30 3 * * *';
/** Portals process uploads within minutes; their verdicts (and leads) should not wait for the night. */
export const PORTAL_REPORTS_CRON = '*/10 * * * *';

/**
 * On the `syndication` queue rather than `maintenance`: it is syndication's own work (its providers,
 * its portal calls), pausing the syndication queue during a portal incident pauses it too, and a long
 * full transfer never holds up the housekeeping jobs.
 */
@Processor(QueueName.Syndication)
export class SyndicationReconcileProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly reconciliation: SyndicationReconciliation,
    private readonly reports: OpenImmoReports,
    private readonly rebuild: RealityPortalRebuild,
    @InjectQueue(QueueName.Syndication) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, SyndicationJob.Reconcile, SYNDICATION_RECONCILE_CRON, {
      attempts: 1,
    });
    await scheduleRepeatable(this.queue, SyndicationJob.ReadPortalReports, PORTAL_REPORTS_CRON, {
      attempts: 1,
    });
  }

  @Process(SyndicationJob.Reconcile)
  handle(): Promise<ReconciliationSummary> {
    return this.reconciliation.run();
  }

  @Process(SyndicationJob.ReadPortalReports)
  readReports(): Promise<OpenImmoReportsSummary> {
    return this.reports.readAll();
  }

  /** Queued by the operator command `npm run admin -- portal:rebuild [--organization <id>]`. */
  @Process(SyndicationJob.RebuildRealityPortal)
  rebuildRealityPortal(job: Job<{ organizationId?: string }>): Promise<RealityPortalRebuildSummary> {
    return this.rebuild.run(job.data?.organizationId);
  }
}
