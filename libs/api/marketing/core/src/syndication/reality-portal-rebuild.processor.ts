import { Process, Processor } from '@nestjs/bull';
import { QueueName, SyndicationJob } from '@ppt/queue';
import type { Job } from 'bull';
import { RealityPortalRebuild, type RealityPortalRebuildSummary } from './reality-portal-rebuild';

/** Queued by the operator command `npm run admin -- portal:rebuild [--organization <id>]`. */
@Processor(QueueName.Syndication)
export class RealityPortalRebuildProcessor {
  constructor(private readonly rebuild: RealityPortalRebuild) {}

  @Process(SyndicationJob.RebuildRealityPortal)
  run(job: Job<{ organizationId?: string }>): Promise<RealityPortalRebuildSummary> {
    return this.rebuild.run(job.data?.organizationId);
  }
}
