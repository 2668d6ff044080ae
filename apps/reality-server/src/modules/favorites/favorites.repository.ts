import { Injectable } from '@nestjs/common';
import { Favorite, PortalListing } from '@ppt/portal-db';
import { DataSource } from 'typeorm';
import { VISIBLE } from '../listings/portal-listings.repository';

/** A visitor's favourites; listings off the market are kept but not shown until they return. */
@Injectable()
export class FavoritesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    userId: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: { listing: PortalListing; favoritedAt: Date }[]; total: number }> {
    const qb = this.visibleFavorites(userId);
    const { entities, raw } = await qb
      .clone()
      .orderBy('f.created_at', 'DESC')
      .addOrderBy('l.id', 'ASC')
      .limit(limit)
      .offset(offset)
      .getRawAndEntities<{ favorited_at: Date }>();
    // A first page that is not full holds them all: no count query (the common case on this route).
    const total = offset === 0 && entities.length < limit ? entities.length : await qb.getCount();
    return { rows: entities.map((listing, i) => ({ listing, favoritedAt: raw[i].favorited_at })), total };
  }

  async find(
    userId: string,
    listingId: string,
  ): Promise<{ listing: PortalListing; favoritedAt: Date } | null> {
    const { entities, raw } = await this.visibleFavorites(userId)
      .andWhere('l.id = :listingId', { listingId })
      .getRawAndEntities<{ favorited_at: Date }>();
    return entities[0] ? { listing: entities[0], favoritedAt: raw[0].favorited_at } : null;
  }

  private visibleFavorites(userId: string) {
    return this.dataSource
      .createQueryBuilder(PortalListing, 'l')
      .innerJoin(Favorite, 'f', 'f.listing_id = l.id AND f.user_id = :userId', { userId })
      .addSelect('f.created_at', 'favorited_at')
      .where('l.status IN (:...visible)', { visible: VISIBLE });
  }

  async add(userId: string, listingId: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Favorite)
      .values({ userId, listingId })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  async remove(userId: string, listingId: string): Promise<void> {
    await this.dataSource.getRepository(Favorite).delete({ userId, listingId });
  }

  count(userId: string): Promise<number> {
    return this.dataSource.getRepository(Favorite).countBy({ userId });
  }
}
