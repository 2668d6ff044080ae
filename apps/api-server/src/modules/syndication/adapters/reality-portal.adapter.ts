import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent, ListingSnapshot } from '@ppt/events';
import { QueueName } from '@ppt/queue';
import {
  PortalError,
  type PortalAdapter,
  type PreflightIssue,
  type PublishedAdvert,
  type SyndicationListing,
  type SyndicationRef,
} from '@ppt/syndication';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { ApiServerEnv } from '../../../api-server.env';

/**
 * Our own Reality Portal, one syndication target among the others: the listing goes to the portal's
 * read model through its `portal-feed` queue, and the job counts as done when the portal worker has
 * applied it (Bull reports the job finished), so "active" means the portal shows it.
 *
 * The portal applies snapshots in version order. A manager can take a listing off the portal without
 * changing it, so the feed version is 2 × listing version, plus 1 for a removal: a removal beats the
 * publication of the same version, and any later change of the listing beats both.
 */
@Injectable()
export class RealityPortalAdapter implements PortalAdapter {
  readonly key = 'reality-portal';

  constructor(
    @InjectQueue(QueueName.PortalFeed) private readonly feed: Queue,
    @Inject(ApiServerEnv) private readonly env: ApiServerEnv,
  ) {}

  /** The portal shows whatever we publish; it needs no more than our own listing rules. */
  preflight(): PreflightIssue[] {
    return [];
  }

  async publish(listing: SyndicationListing): Promise<PublishedAdvert> {
    await this.send(listing, listing.status, 2 * listing.version);
    return {
      externalId: listing.id,
      url: `${this.env.REALITY_PUBLIC_URL.replace(/\/+$/, '')}/listings/${listing.id}`,
    };
  }

  async remove(ref: SyndicationRef): Promise<void> {
    if (!ref.listing) return; // never reached the portal's read model in a form we could replace
    const status =
      ref.listing.status === 'sold' || ref.listing.status === 'rented' ? ref.listing.status : 'withdrawn';
    await this.send(ref.listing, status, 2 * ref.version + 1);
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
    // One job per listing and feed version: a retry finds a waiting or running job instead of adding
    // another. A finished one kept under the id would swallow the add (a failed one for good), so it goes.
    const jobId = `listing:${listing.id}:${feedVersion}`;
    const kept = await this.feed.getJob(jobId);
    if (kept && ((await kept.isFailed()) || (await kept.isCompleted())))
      await kept.remove().catch(() => undefined);
    const job = await this.feed.add(event.type, event, { jobId });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PortalError(
              'PORTAL_UNAVAILABLE',
              'The Reality Portal did not apply the listing in time',
              true,
            ),
          ),
        this.env.SYNDICATION_PORTAL_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([job.finished(), deadline]);
    } catch (err) {
      if (err instanceof PortalError) throw err;
      throw new PortalError(
        'PORTAL_UNAVAILABLE',
        `The Reality Portal failed to apply the listing: ${(err as Error).message}`,
        true,
      );
    } finally {
      clearTimeout(timer);
    }
  }
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
