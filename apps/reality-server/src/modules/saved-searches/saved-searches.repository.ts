import { Injectable } from '@nestjs/common';
import { SavedSearch, type SavedSearchAlert } from '@ppt/portal-db';
import { DataSource } from 'typeorm';

@Injectable()
export class SavedSearchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(userId: string, limit: number, offset: number): Promise<[SavedSearch[], number]> {
    return this.dataSource.getRepository(SavedSearch).findAndCount({
      where: { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  find(userId: string, id: string): Promise<SavedSearch | null> {
    return this.dataSource.getRepository(SavedSearch).findOneBy({ userId, id });
  }

  count(userId: string): Promise<number> {
    return this.dataSource.getRepository(SavedSearch).countBy({ userId });
  }

  create(
    userId: string,
    name: string,
    filters: Record<string, unknown>,
    alert: SavedSearchAlert = 'off',
  ): Promise<SavedSearch> {
    const repo = this.dataSource.getRepository(SavedSearch);
    // An alert starts from now: listings already on the market are not news.
    return repo.save(repo.create({ userId, name, filters, alert, alertedUntil: new Date() }));
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(SavedSearch).delete({ userId, id });
    return (result.affected ?? 0) > 0;
  }
}
