import { Injectable, Logger } from '@nestjs/common';
import { ListingSyndication } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import type { PortalSyncJobData } from '@ppt/queue';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationRepository } from './syndication.repository';
import { jobOf, newIntent, SyndicationService } from './syndication.service';

const PORTAL = 'reality-portal' as const;

const replayed = processCounter<'action'>({
  name: 'reality_portal_rebuild_rows_total',
  help: 'Rows of our own portal sent to its read model again by a rebuild, by action (list, remove)',
  labelNames: ['action'],
});

export interface RealityPortalRebuildSummary {
  organizations: number;
  /** Rows sent again (listed or removed), through portal-sync jobs. */
  replayed: number;
  /** Rows in flight, left to the job already on its way. */
  inFlight: number;
}

/**
 * Rebuilds our own portal's read model from the listings (an operator's command after the portal's
 * database was lost or restored from an older backup): every row at rest on the portal is moved
 * back into flight (`active` → `pending`, `removed` → `removing`, a new delivery intent) and its
 * portal-sync job queued, so the normal path sends the current snapshot with a feed version the
 * read model has not seen (the row's revision grows with the move) and it is applied whatever the
 * read model holds. Rows in flight already have a job on its way. Whatever the read model shows that
 * we do not have is the nightly reconciliation's to take off.
 */
@Injectable()
export class RealityPortalRebuild {
  private readonly logger = new Logger(RealityPortalRebuild.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly rows: SyndicationRepository,
    private readonly syndication: SyndicationService,
    private readonly jobs: SyndicationJobs,
  ) {}

  async run(only?: string): Promise<RealityPortalRebuildSummary> {
    const organizations = only
      ? [only]
      : (
          await this.tenant.runPlatform('syndication-reconcile', (m) =>
            m
              .createQueryBuilder(ListingSyndication, 's')
              .select('DISTINCT s.organization_id', 'organizationId')
              .where('s.portal = :portal', { portal: PORTAL })
              .getRawMany<{ organizationId: string }>(),
          )
        ).map((r) => r.organizationId);
    const summary: RealityPortalRebuildSummary = { organizations: 0, replayed: 0, inFlight: 0 };
    for (const organizationId of organizations) {
      const jobs = await this.tenant.run({ organizationId }, async (m) => {
        const queued: PortalSyncJobData[] = [];
        for (const row of await this.rows.lockForPortal(m, organizationId, PORTAL)) {
          const detail = 'the portal read model is being rebuilt';
          if (row.status === 'active' && row.wanted === 'listed') {
            await this.syndication.move(m, row, 'pending', detail, { attempts: 0, ...newIntent() });
          } else if (row.status === 'removed' && row.wanted === 'removed') {
            await this.syndication.move(m, row, 'removing', detail, { attempts: 0, ...newIntent() });
          } else {
            if (row.status !== 'failed') summary.inFlight += 1;
            continue;
          }
          replayed.inc({ action: row.wanted === 'listed' ? 'list' : 'remove' });
          queued.push(jobOf(row));
        }
        return queued;
      });
      // After commit: the rows already say what is wanted, so a job lost here is queued again by
      // the reconciliation's sweep of stuck rows.
      for (const job of jobs) await this.jobs.requeue(job);
      summary.organizations += 1;
      summary.replayed += jobs.length;
    }
    this.logger.log(
      `Reality Portal rebuild: ${summary.replayed} row(s) of ${summary.organizations} organisation(s) sent again, ` +
        `${summary.inFlight} already in flight`,
    );
    return summary;
  }
}
