import { Injectable } from '@nestjs/common';
import type { Page, PageQueryDto } from '@ppt/http';
import { AppError, registerErrorCodes } from '@ppt/observability';
import { RealtimePublisher } from '@ppt/realtime';
import { PortalListingsRepository } from '../listings/portal-listings.repository';
import { PortalListingsService } from '../listings/portal-listings.service';
import type { FavoriteResponse } from './favorites.controller';
import { FavoritesRepository } from './favorites.repository';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ FAVORITE_NOT_FOUND: 404, LISTING_NOT_FOUND: 404, FAVORITES_LIMIT: 409 });

/** Enough for anyone house-hunting; keeps one account from filling the table. */
export const MAX_FAVORITES = 500;

@Injectable()
export class FavoritesService {
  constructor(
    private readonly favorites: FavoritesRepository,
    private readonly listings: PortalListingsRepository,
    private readonly views: PortalListingsService,
    private readonly realtime: RealtimePublisher,
  ) {}

  async list(userId: string, page: PageQueryDto): Promise<Page<FavoriteResponse>> {
    const { rows, total } = await this.favorites.list(userId, page.limit, page.offset);
    return {
      items: rows.map((r) => ({ ...this.views.toResponse(r.listing), favoritedAt: r.favoritedAt })),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  /** One favourite, if it is one and the listing is on the market. */
  async get(userId: string, listingId: string): Promise<FavoriteResponse> {
    const found = await this.favorites.find(userId, listingId);
    if (!found) throw new AppError('FAVORITE_NOT_FOUND', 404, 'This listing is not among your favourites');
    return { ...this.views.toResponse(found.listing), favoritedAt: found.favoritedAt };
  }

  async add(userId: string, listingId: string): Promise<void> {
    if (!(await this.listings.findVisible(listingId))) {
      throw new AppError('LISTING_NOT_FOUND', 404, 'Listing not found');
    }
    if ((await this.favorites.count(userId)) >= MAX_FAVORITES) {
      throw new AppError('FAVORITES_LIMIT', 409, `At most ${MAX_FAVORITES} favourites; remove some first`);
    }
    await this.favorites.add(userId, listingId);
    // The visitor's other tabs and devices (user room on /ws).
    await this.realtime.toUser(userId, 'favorite.added', { listingId });
  }

  async remove(userId: string, listingId: string): Promise<void> {
    await this.favorites.remove(userId, listingId);
    await this.realtime.toUser(userId, 'favorite.removed', { listingId });
  }
}
