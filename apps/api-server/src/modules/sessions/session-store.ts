import { Injectable, Logger } from '@nestjs/common';
import type { SessionValidator } from '@ppt/auth';
import type { Session } from '@ppt/db';
import { RedisConnections } from '@ppt/redis';
import type { EntityManager } from 'typeorm';
import { SessionsRepository } from './sessions.repository';

/** Published (with the session id) whenever a session ends, so caches elsewhere can drop it. */
export const SESSION_REVOKED_CHANNEL = 'auth:session-revoked';
const NEGATIVE_TTL_S = 300;
/** Bounds how long a stale "active" could survive a revocation made while Redis was unreachable. */
const POSITIVE_TTL_MAX_S = 900;

export function isSessionActive(session: Session | null, now = new Date()): session is Session {
  return !!session && !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/**
 * Session state for the per-request check: Redis first (`sess:<id>` = 1 active / 0 ended, with a TTL),
 * PostgreSQL as the durable source when Redis has no entry or is down. Revocation writes PostgreSQL,
 * then Redis, then publishes — every instance sees it on the next request.
 */
@Injectable()
export class SessionStore implements SessionValidator {
  private readonly logger = new Logger(SessionStore.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly redis: RedisConnections,
  ) {}

  /**
   * The session cache fails fast while Redis is unreachable (no offline queue), so every request
   * falls straight back to PostgreSQL instead of waiting for reconnect attempts.
   */
  private cache() {
    return this.redis.get('sessions', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  private key(sessionId: string): string {
    return `sess:${sessionId}`;
  }

  async isActive(sessionId: string): Promise<boolean> {
    try {
      const cached = await this.cache().get(this.key(sessionId));
      if (cached !== null) return cached === '1';
    } catch (err) {
      this.logger.warn(`Session cache unavailable, asking PostgreSQL: ${(err as Error).message}`);
    }
    const session = await this.sessions.findById(sessionId);
    const active = isSessionActive(session);
    await this.remember(sessionId, active, active ? session : null);
    return active;
  }

  /** Caches the session state (an active one at most 15 min, and never past its expiry). */
  async remember(sessionId: string, active: boolean, session: Session | null): Promise<void> {
    const ttl =
      active && session
        ? Math.min(
            POSITIVE_TTL_MAX_S,
            secondsUntil(minDate(session.idleExpiresAt, session.absoluteExpiresAt)),
          )
        : NEGATIVE_TTL_S;
    if (ttl <= 0) return;
    await this.cache()
      .set(this.key(sessionId), active ? '1' : '0', 'EX', ttl)
      .catch((err: Error) => this.logger.warn(`Could not cache session state: ${err.message}`));
  }

  async revoke(
    where: { id?: string; userId?: string; currentOrganizationId?: string },
    reason: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const ids = await this.sessions.revoke(where, reason, manager);
    await this.forget(ids);
    return ids;
  }

  /** Marks ended sessions in Redis and tells other services. */
  async forget(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const client = this.cache();
    try {
      const pipeline = client.pipeline();
      for (const id of sessionIds) pipeline.set(this.key(id), '0', 'EX', NEGATIVE_TTL_S * 12);
      await pipeline.exec();
      for (const id of sessionIds)
        await client.publish(`${this.redis.keyPrefix}${SESSION_REVOKED_CHANNEL}`, id);
    } catch (err) {
      // PostgreSQL already says revoked; a stale '1' would live until its TTL, so drop it if we can.
      this.logger.error(`Could not publish session revocation: ${(err as Error).message}`);
    }
  }
}

function minDate(a: Date, b: Date): Date {
  return a < b ? a : b;
}

function secondsUntil(date: Date): number {
  return Math.floor((date.getTime() - Date.now()) / 1000);
}
