import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { DomainEvent } from '@ppt/events';
import { processCounter } from '@ppt/observability';
import { QueueName } from '@ppt/queue';
import type { Job } from 'bull';
import { PortalListingsRepository } from './portal-listings.repository';

/** The listing events the portal's read model follows (EVENT_QUEUES routes them to portal-feed). */
export const PORTAL_FEED_EVENTS = ['listing.published', 'listing.updated', 'listing.status_changed'] as const;

const applied = processCounter<'result'>({
  name: 'portal_feed_events_total',
  help: 'Listing events received by the portal read model, by result (applied or stale)',
  labelNames: ['result'],
});

/**
 * Keeps portal.listings in step with the PM's listings. Every event carries the whole listing and its
 * version, so applying is an upsert that ignores anything not newer than what is stored: redelivery
 * and out-of-order delivery change nothing.
 */
@Processor(QueueName.PortalFeed)
export class PortalFeedProcessor {
  private readonly logger = new Logger(PortalFeedProcessor.name);

  constructor(private readonly listings: PortalListingsRepository) {}

  // One handler per event name rather than Bull's '*': the queue also carries the reconciliation's
  // questions (PortalFeedJob, answered by ReadModelSyncProcessor), which must not land here.
  @Process('listing.published')
  published(job: Job<DomainEvent<'listing.published'>>): Promise<{ applied: boolean }> {
    return this.apply(job);
  }

  @Process('listing.updated')
  updated(job: Job<DomainEvent<'listing.updated'>>): Promise<{ applied: boolean }> {
    return this.apply(job);
  }

  @Process('listing.status_changed')
  statusChanged(job: Job<DomainEvent<'listing.status_changed'>>): Promise<{ applied: boolean }> {
    return this.apply(job);
  }

  private async apply(job: Job<DomainEvent<(typeof PORTAL_FEED_EVENTS)[number]>>): Promise<{ applied: boolean }> {
    const event = job.data;
    const done = await this.listings.apply(event.organizationId, event.aggregateVersion, event.payload);
    applied.inc({ result: done ? 'applied' : 'stale' });
    if (!done) this.logger.debug({ eventId: event.id }, 'Listing event older than the read model; skipped');
    return { applied: done };
  }
}
