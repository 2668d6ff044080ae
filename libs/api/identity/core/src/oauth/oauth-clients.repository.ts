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

  findByClientId(clientId: string, manager?: EntityManager): Promise<OAuthClient | null> {
    return (manager ?? this.dataSource.manager).findOneBy(OAuthClient, { clientId });
  }

  /** Locks the client's row (or, if none, nothing) until the transaction ends. */
  findForUpdate(clientId: string, manager: EntityManager): Promise<OAuthClient | null> {
    return manager.findOne(OAuthClient, { where: { clientId }, lock: { mode: 'pessimistic_write' } });
  }

  async create(
    data: Pick<OAuthClient, 'clientId' | 'name' | 'secretHash' | 'scopes'>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.insert(OAuthClient, { ...data, disabledAt: null });
  }

  /** Name, secret and scopes of a client, which is enabled again. */
  async replace(
    clientId: string,
    data: Pick<OAuthClient, 'name' | 'secretHash' | 'scopes'>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.update(OAuthClient, { clientId }, { ...data, disabledAt: null });
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
