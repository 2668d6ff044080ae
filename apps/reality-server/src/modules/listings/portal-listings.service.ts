import { Inject, Injectable } from '@nestjs/common';
import type { PortalListing } from '@ppt/db';
import type { Page } from '@ppt/http';
import { AppError, registerErrorCodes } from '@ppt/observability';
import type { PortalListingResponse, SearchListingsQueryDto } from './dto/search.dto';
import { RealityServerEnv } from '../../reality-server.env';
import { PortalListingsRepository } from './portal-listings.repository';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ LISTING_NOT_FOUND: 404, INCOMPLETE_RADIUS: 400 });

const SIMILAR_LIMIT = 6;

/** Public search over the read model. */
@Injectable()
export class PortalListingsService {
  constructor(
    private readonly listings: PortalListingsRepository,
    @Inject(RealityServerEnv) private readonly env: RealityServerEnv,
  ) {}

  async search(query: SearchListingsQueryDto): Promise<Page<PortalListingResponse>> {
    assertCompleteRadius(query);
    const { hits, total } = await this.listings.search(query);
    return {
      items: hits.map((h) => ({
        ...this.toResponse(h.listing),
        ...(h.distanceKm !== undefined ? { distanceKm: h.distanceKm } : {}),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async get(id: string): Promise<PortalListingResponse> {
    return this.toResponse(await this.mustFind(id));
  }

  async similar(id: string): Promise<PortalListingResponse[]> {
    return (await this.listings.similar(await this.mustFind(id), SIMILAR_LIMIT)).map((l) =>
      this.toResponse(l),
    );
  }

  /** The public fields, and photo links that api-server turns into short-lived storage URLs. */
  toResponse(l: PortalListing): PortalListingResponse {
    const {
      organizationId: _o,
      version: _v,
      contactUserId: _c,
      searchVector: _s,
      updatedAt: _u,
      ...fields
    } = l;
    const base = this.env.API_PUBLIC_URL.replace(/\/+$/, '');
    return {
      ...fields,
      photoUrls: l.photoDocumentIds.map((id) => `${base}/api/v1/public/listing-photos/${id}`),
    };
  }

  private async mustFind(id: string): Promise<PortalListing> {
    const listing = await this.listings.findVisible(id);
    if (!listing) throw new AppError('LISTING_NOT_FOUND', 404, 'Listing not found');
    return listing;
  }
}

/** A radius needs its centre and its size: lat, lng and radiusKm together or none of them. */
export function assertCompleteRadius(f: { lat?: number; lng?: number; radiusKm?: number }): void {
  const given = [f.lat, f.lng, f.radiusKm].filter((v) => v !== undefined).length;
  if (given > 0 && given < 3) {
    throw new AppError('INCOMPLETE_RADIUS', 400, 'A radius search needs lat, lng and radiusKm together');
  }
}
