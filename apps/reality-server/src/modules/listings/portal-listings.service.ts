import { Inject, Injectable } from '@nestjs/common';
import type { PortalListing } from '@ppt/portal-db';
import type { Page } from '@ppt/http';
import { AppError, registerErrorCodes } from '@ppt/observability';
import type { PortalListingResponse, SearchListingsQueryDto } from './dto/search.dto';
import { RealityServerEnv } from '../../reality-server.env';
import { PortalListingsRepository, type SearchCursor } from './portal-listings.repository';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({
  LISTING_NOT_FOUND: 404,
  INCOMPLETE_RADIUS: 400,
  INVALID_CURSOR: 400,
  CURSOR_WITH_OFFSET: 400,
});

const SIMILAR_LIMIT = 6;

/** Public search over the read model. */
@Injectable()
export class PortalListingsService {
  constructor(
    private readonly listings: PortalListingsRepository,
    @Inject(RealityServerEnv) private readonly env: RealityServerEnv,
  ) {}

  async search(query: SearchListingsQueryDto): Promise<SearchPage> {
    assertCompleteRadius(query);
    let after: SearchCursor | undefined;
    if (query.after !== undefined) {
      if (query.offset !== 0) {
        throw new AppError('CURSOR_WITH_OFFSET', 400, 'Give either after or offset, not both');
      }
      after = decodeCursor(query.after);
    }
    const { hits, total, totalExact, next } = await this.listings.search(query, after);
    return {
      items: hits.map((h) => ({
        ...this.toResponse(h.listing),
        ...(h.distanceKm !== undefined ? { distanceKm: h.distanceKm } : {}),
      })),
      total,
      totalExact,
      nextCursor: next ? encodeCursor(next) : null,
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

export interface SearchPage extends Page<PortalListingResponse> {
  totalExact: boolean;
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cursor is the last row's sort and (key, id), readable base64url JSON: it is not a secret and
 * needs no signature, since any well-formed cursor only says where in the public order to start.
 * What reaches SQL is checked here (a price is a safe integer, a date an ISO instant, the id a UUID).
 */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id])).toString('base64url');
}

export function decodeCursor(text: string): SearchCursor {
  const invalid = () => new AppError('INVALID_CURSOR', 400, 'after is not a cursor from nextCursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [sort, key, id] = parsed as unknown[];
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid();
  if (sort === 'price' || sort === '-price') {
    if (!Number.isSafeInteger(key) || (key as number) < 0) throw invalid();
  } else if (sort === 'date' || sort === '-date') {
    const isoInstant =
      typeof key === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(key) && !Number.isNaN(Date.parse(key));
    if (key !== null && !isoInstant) throw invalid();
  } else {
    throw invalid();
  }
  return { sort, key: key as string | number | null, id };
}

/** A radius needs its centre and its size: lat, lng and radiusKm together or none of them. */
export function assertCompleteRadius(f: { lat?: number; lng?: number; radiusKm?: number }): void {
  const given = [f.lat, f.lng, f.radiusKm].filter((v) => v !== undefined).length;
  if (given > 0 && given < 3) {
    throw new AppError('INCOMPLETE_RADIUS', 400, 'A radius search needs lat, lng and radiusKm together');
  }
}
