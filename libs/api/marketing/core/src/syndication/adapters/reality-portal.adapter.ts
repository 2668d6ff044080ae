import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent, ListingSnapshot } from '@ppt/events';
import {
  addFresh,
  JobWaitTimeout,
  PortalFeedJob,
  QueueName,
  waitForJob,
  type PortalFeedListing,
} from '@ppt/queue';
import {
  PortalError,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
  type RemoteAdvert,
  type SyndicationListing,
  type SyndicationRef,
} from '@ppt/syndication';
import type { Job, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { SyndicationEnv } from '../syndication.env';

/**
 * Our own Reality Portal, one syndication target among the others: the listing goes to the portal's
 * read model through its `portal-feed` queue, and the job counts as done when the portal worker has
 * applied it (Bull reports the job finished), so "active" means the portal shows it.
 *
 * The portal applies a listing's snapshot only when its version is strictly newer than the one it has.
 * A listing can come off the portal and go back on without changing (a manager's withdrawal and
 * republication, the portal turned off and on), so the listing version alone cannot order what we
 * send: the feed version is 2 × listing version + 1 + the job's `sequence` (the row's status-change
 * count: it never goes down and grows between any two runs that could send different snapshots), for
 * a publication and a removal alike. A run therefore sends more than any earlier run that sent
 * something else (the listing version never goes down either), and
 * more than the 2v / 2v + 1 of the former scheme still held by the read model. Far below 2^31 either way.
 */
@Injectable()
export class RealityPortalAdapter implements PortalAdapter {
  readonly key = 'reality-portal';

  constructor(
    @InjectQueue(QueueName.PortalFeed) private readonly feed: Queue,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  /** Our own portal shows every market. */
  appliesTo(): boolean {
    return true;
  }

  /** The portal shows whatever we publish; it needs no more than our own listing rules. */
  preflight(): PreflightIssue[] {
    return [];
  }

  async publish(listing: SyndicationListing, target?: PortalTarget): Promise<PublishedAdvert> {
    await this.send(listing, listing.status, feedVersion(listing.version, target));
    return {
      externalId: listing.id,
      url: `${this.env.REALITY_PUBLIC_URL.replace(/\/+$/, '')}/listings/${listing.id}`,
    };
  }

  /**
   * What the portal's read model shows of the organisation (reconciliation): asked of the portal
   * worker through the feed queue, the job's return value is the answer.
   */
  async list(target: PortalTarget): Promise<RemoteAdvert[]> {
    // Kept after completion like other jobs (waitForJob reads the answer from the finished job).
    const job = await this.feed.add(PortalFeedJob.List, { organizationId: target.organizationId }, { attempts: 1 });
    const shown = await this.answer<PortalFeedListing[]>(job, 'list its listings');
    if (!Array.isArray(shown)) {
      throw new PortalError('PORTAL_UNAVAILABLE', 'The Reality Portal answered the list with no list', true);
    }
    return shown.map((l) => ({ externalId: l.listingId, listingId: l.listingId, priceAmount: l.priceAmount }));
  }

  async remove(ref: SyndicationRef, target?: PortalTarget): Promise<void> {
    if (!ref.listing) {
      // A listing we no longer have (reconciliation found it there): no snapshot to send, so the
      // portal worker takes it off by id.
      const job = await addFresh(
        this.feed,
        PortalFeedJob.Withdraw,
        { organizationId: ref.organizationId, listingId: ref.listingId },
        { jobId: `withdraw:${ref.listingId}` },
      );
      await this.answer(job, 'take the listing off');
      return;
    }
    const status =
      ref.listing.status === 'sold' || ref.listing.status === 'rented' ? ref.listing.status : 'withdrawn';
    await this.send(ref.listing, status, feedVersion(Math.max(ref.version, ref.listing.version), target));
  }

  private async send(listing: SyndicationListing, status: string, feedVersion: number): Promise<void> {
    const event: DomainEvent<'listing.updated'> = {
      id: randomUUID(),
      type: 'listing.updated',
      organizationId: listing.organizationId,
      aggregateId: listing.id,
      aggregateVersion: feedVersion,
      payload: snapshot(listing, status),
      occurredAt: new Date().toISOString(),
    };
    // One job per listing and feed version. A run that sends the same version again sends the same
    // thing (a stalled job picked up again, a removal's retry: the row's status did not change, so
    // the sequence did not either); it finds a waiting or running job instead of adding another.
    const jobId = `listing:${listing.id}:${feedVersion}`;
    const job = await addFresh(this.feed, event.type, event, { jobId });
    await this.answer(job, 'apply the listing');
  }

  private async answer<R>(job: Job, what: string): Promise<R> {
    try {
      return await waitForJob<R>(job, this.env.SYNDICATION_PORTAL_TIMEOUT_MS);
    } catch (err) {
      throw new PortalError(
        'PORTAL_UNAVAILABLE',
        err instanceof JobWaitTimeout
          ? `The Reality Portal did not ${what} in time`
          : `The Reality Portal failed to ${what}: ${(err as Error).message}`,
        true,
      );
    }
  }
}

/** See the class comment: strictly greater with every run of a job for this listing. */
function feedVersion(listingVersion: number, target?: PortalTarget): number {
  return 2 * listingVersion + 1 + (target?.sequence ?? 0);
}

function snapshot(l: SyndicationListing, status: string): ListingSnapshot {
  return {
    listingId: l.id,
    status,
    transaction: l.transaction,
    propertyType: l.propertyType,
    title: l.title,
    description: l.description,
    priceAmount: l.priceAmount,
    currency: l.currency,
    areaM2: l.areaM2,
    rooms: l.rooms,
    floor: l.floor,
    energyClass: l.energyClass,
    features: l.features,
    addressLine: l.address.line,
    city: l.address.city,
    region: l.address.region,
    postalCode: l.address.postalCode,
    country: l.address.country,
    latitude: l.latitude,
    longitude: l.longitude,
    photoDocumentIds: l.photos.map((p) => p.id),
    contactUserId: l.contact?.id ?? null,
    publishedAt: l.publishedAt,
  };
}
