import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { processCounter } from '@ppt/observability';
import { PortalFeedJob, QueueName, type PortalFeedListing } from '@ppt/queue';
import type { Job } from 'bull';
import { ReadModelSyncRepository } from './read-model-sync.repository';

const withdrawn = processCounter<'result'>({
  name: 'portal_read_model_withdrawn_total',
  help: 'Listings api-server no longer has, taken off the portal by reconciliation (withdrawn, absent)',
  labelNames: ['result'],
});

/**
 * api-server's nightly reconciliation compares our own portal like any other: it asks for the
 * listings an organisation shows here (the job's return value) and repairs differences through its
 * normal portal-sync jobs; a listing it no longer has at all is taken off here. (The listing events
 * themselves go to PortalFeedProcessor.)
 */
@Processor(QueueName.PortalFeed)
export class ReadModelSyncProcessor {
  private readonly logger = new Logger(ReadModelSyncProcessor.name);

  constructor(private readonly readModel: ReadModelSyncRepository) {}

  @Process(PortalFeedJob.List)
  list(job: Job<{ organizationId: string }>): Promise<PortalFeedListing[]> {
    return this.readModel.shown(job.data.organizationId);
  }

  @Process(PortalFeedJob.Withdraw)
  async withdraw(job: Job<{ organizationId: string; listingId: string }>): Promise<{ withdrawn: boolean }> {
    const done = await this.readModel.withdraw(job.data.organizationId, job.data.listingId);
    withdrawn.inc({ result: done ? 'withdrawn' : 'absent' });
    if (done) this.logger.log({ listingId: job.data.listingId }, 'Listing unknown to api-server taken off the portal');
    return { withdrawn: done };
  }
}
