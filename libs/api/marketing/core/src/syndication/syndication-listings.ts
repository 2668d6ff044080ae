import { Inject, Injectable } from '@nestjs/common';
import { Document, Listing, User } from '@ppt/api-db';
import { ObjectStorage } from '@ppt/storage';
import type { PortalOverrides, SyndicationListing } from '@ppt/syndication';
import { In, type EntityManager } from 'typeorm';
import { SyndicationEnv } from './syndication.env';

/** Our listing as the portal adapters see it: photos resolved to documents, the realtor to a contact. */
@Injectable()
export class SyndicationListings {
  constructor(
    private readonly storage: ObjectStorage,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  async load(
    m: EntityManager,
    organizationId: string,
    listingId: string,
  ): Promise<SyndicationListing | null> {
    const listing = await m.getRepository(Listing).findOneBy({ organizationId, id: listingId });
    return listing ? this.of(m, listing) : null;
  }

  async of(m: EntityManager, listing: Listing): Promise<SyndicationListing> {
    const documents = listing.photoDocumentIds.length
      ? await m
          .getRepository(Document)
          .findBy({ organizationId: listing.organizationId, id: In(listing.photoDocumentIds) })
      : [];
    const contact = listing.contactUserId
      ? await m.getRepository(User).findOneBy({ id: listing.contactUserId })
      : null;
    const base = this.env.API_PUBLIC_URL.replace(/\/+$/, '');
    const photos = listing.photoDocumentIds
      .map((id) => documents.find((d) => d.id === id && d.status === 'active' && !d.deletedAt))
      .filter((d): d is Document => d !== undefined)
      .map((d) => ({
        id: d.id,
        contentType: d.contentType,
        sizeBytes: d.sizeBytes,
        url: `${base}/api/v1/public/listing-photos/${d.id}`,
        read: () => this.read(d.objectKey),
      }));
    return {
      id: listing.id,
      organizationId: listing.organizationId,
      version: listing.version,
      status: listing.status,
      publishedAt: listing.publishedAt?.toISOString() ?? null,
      transaction: listing.transaction,
      propertyType: listing.propertyType,
      title: listing.title,
      description: listing.description,
      priceAmount: listing.priceAmount,
      currency: listing.currency,
      areaM2: listing.areaM2,
      rooms: listing.rooms,
      floor: listing.floor,
      energyClass: listing.energyClass,
      features: listing.features,
      address: {
        line: listing.addressLine,
        city: listing.city,
        region: listing.region,
        postalCode: listing.postalCode,
        country: listing.country,
      },
      latitude: listing.latitude,
      longitude: listing.longitude,
      photos,
      contact: contact
        ? { id: contact.id, name: contact.displayName, email: contact.email, phone: null }
        : null,
      overrides: listing.portalOverrides as PortalOverrides,
    };
  }

  private async read(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
