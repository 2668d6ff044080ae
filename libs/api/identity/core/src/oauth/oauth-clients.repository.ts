import { Injectable } from '@nestjs/common';
import { OAuthClient } from '@ppt/api-db';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';

/** Service clients (a global table: clients belong to the platform, not to an organisation). */
@Injectable()
export class OAuthClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findByClientId(clientId: string): Promise<OAuthClient | null> {
    return this.dataSource.manager.findOneBy(OAuthClient, { clientId });
  }

  /** Sets `disabled_at` (kept if already set); false when there is no such client. */
  async disable(clientId: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(OAuthClient)
      .set({ disabledAt: () => 'COALESCE(disabled_at, now())' })
      .where({ clientId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async disabledClientIds(): Promise<string[]> {
    const rows = await this.dataSource.manager.find(OAuthClient, {
      select: { clientId: true },
      where: { disabledAt: Not(IsNull()) },
    });
    return rows.map((r) => r.clientId);
  }
}
