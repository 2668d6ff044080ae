import { Injectable } from '@nestjs/common';
import { SavedSearch, type SavedSearchAlert } from '@ppt/portal-db';
import { DataSource, In } from 'typeorm';

@Injectable()
export class SavedSearchAlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SavedSearch);
  }

  find(userId: string, id: string): Promise<SavedSearch | null> {
    return this.repo.findOneBy({ userId, id });
  }

  /** Sets the choice; a new alert starts from now (listings already out are not news). */
  async setAlert(userId: string, id: string, alert: SavedSearchAlert): Promise<SavedSearch | null> {
    const result = await this.repo.update({ userId, id }, { alert, alertedUntil: () => 'now()' });
    return (result.affected ?? 0) > 0 ? this.find(userId, id) : null;
  }

  async turnOff(userId: string, searchId: string | '*'): Promise<number> {
    const result = await this.repo.update(searchId === '*' ? { userId } : { userId, id: searchId }, {
      alert: 'off',
    });
    return result.affected ?? 0;
  }

  /** Instant alerts, and daily ones whose last pass is a day old (a few minutes' slack for the schedule). */
  due(now: Date, limit: number): Promise<SavedSearch[]> {
    return this.repo
      .createQueryBuilder('s')
      .where(`s.alert = 'instant'`)
      .orWhere(`s.alert = 'daily' AND (s.alerted_until IS NULL OR s.alerted_until <= :dayAgo)`, {
        dayAgo: new Date(now.getTime() - 24 * 3600_000 + 5 * 60_000),
      })
      .orderBy('s.user_id')
      .addOrderBy('s.created_at')
      .take(limit)
      .getMany();
  }

  async markAlerted(ids: string[], until: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.repo.update({ id: In(ids) }, { alertedUntil: until });
  }
}
