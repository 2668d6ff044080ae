import { Injectable } from '@nestjs/common';
import { RefreshToken, Session } from '@ppt/api-db';
import { DataSource, IsNull, type EntityManager } from 'typeorm';

/** Which sessions a revocation or a generation change applies to (always narrowed by at least one). */
export interface SessionFilter {
  id?: string;
  userId?: string;
  currentOrganizationId?: string;
}

export type AdvancedSession = Pick<Session, 'id' | 'generation' | 'idleExpiresAt' | 'absoluteExpiresAt'>;

/** Sessions (refresh-token families) and their refresh tokens: global tables, scoped by user id. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async create(
    data: Pick<
      Session,
      'userId' | 'currentOrganizationId' | 'userAgent' | 'ip' | 'idleExpiresAt' | 'absoluteExpiresAt'
    >,
    manager?: EntityManager,
  ): Promise<Session> {
    return this.m(manager).save(
      this.m(manager).create(Session, {
        ...data,
        lastUsedAt: new Date(),
        revokedAt: null,
        revokedReason: null,
      }),
    );
  }

  findById(id: string, manager?: EntityManager): Promise<Session | null> {
    return this.m(manager).findOneBy(Session, { id });
  }

  /** Locks the session row, so a refresh and a logout or switch of the same session are serialised. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<Session | null> {
    return manager.findOne(Session, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findActiveForUser(userId: string): Promise<Session[]> {
    return this.dataSource.manager
      .createQueryBuilder(Session, 's')
      .where('s.user_id = :userId AND s.revoked_at IS NULL', { userId })
      .andWhere('s.idle_expires_at > now() AND s.absolute_expires_at > now()')
      .orderBy('s.last_used_at', 'DESC')
      .getMany();
  }

  async update(
    id: string,
    changes: Partial<Pick<Session, 'currentOrganizationId' | 'lastUsedAt' | 'idleExpiresAt'>>,
    manager?: EntityManager,
  ): Promise<void> {
    await this.m(manager).update(Session, { id }, changes);
  }

  /** Marks sessions revoked; returns the ids that were active. */
  async revoke(where: SessionFilter, reason: string, manager?: EntityManager): Promise<string[]> {
    const result = await this.m(manager)
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where({ ...where, revokedAt: IsNull() })
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[]).map((r) => r.id);
  }

  /** Moves the generation of the matching unrevoked sessions on (with `changes`); returns them. */
  async advanceGeneration(
    where: SessionFilter,
    changes: { currentOrganizationId?: string },
    manager: EntityManager,
  ): Promise<AdvancedSession[]> {
    const result = await manager
      .createQueryBuilder()
      .update(Session)
      .set({ ...changes, generation: () => 'generation + 1' })
      .where({ ...where, revokedAt: IsNull() })
      .returning('id, generation, idle_expires_at, absolute_expires_at')
      .execute();
    return (
      result.raw as { id: string; generation: number; idle_expires_at: Date; absolute_expires_at: Date }[]
    ).map((r) => ({
      id: r.id,
      generation: r.generation,
      idleExpiresAt: new Date(r.idle_expires_at),
      absoluteExpiresAt: new Date(r.absolute_expires_at),
    }));
  }

  async addRefreshToken(
    sessionId: string,
    tokenHash: string,
    expiresAt: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await this.m(manager).insert(RefreshToken, { sessionId, tokenHash, expiresAt, rotatedAt: null });
  }

  findRefreshToken(tokenHash: string): Promise<RefreshToken | null> {
    return this.dataSource.manager.findOneBy(RefreshToken, { tokenHash });
  }

  /** Locks the token row so two refreshes with the same token are serialised (the second is reuse). */
  findRefreshTokenForUpdate(tokenHash: string, manager: EntityManager): Promise<RefreshToken | null> {
    return manager.findOne(RefreshToken, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markRotated(id: string, manager: EntityManager): Promise<void> {
    await manager.update(RefreshToken, { id }, { rotatedAt: new Date() });
  }
}
