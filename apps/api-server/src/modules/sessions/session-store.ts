import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  listenForSessionRevocations,
  MemoryTtlCache,
  sessionRevokedChannel,
  type SessionValidator,
} from '@ppt/auth';
import type { Session } from '@ppt/db';
import { RedisConnections } from '@ppt/redis';
import type { EntityManager } from 'typeorm';
import { SessionsRepository } from './sessions.repository';

const NEGATIVE_TTL_S = 300;
/** Bounds how long a stale "active" could survive a revocation made while Redis was unreachable. */
const POSITIVE_TTL_MAX_S = 900;
/**
 * How long this process trusts what it learnt of a session without asking Redis. Revocations reach
 * it by pub/sub within milliseconds; this only bounds a message lost on a connection that stayed up.
 */
const MEMORY_TTL_MS = 10_000;
const MEMORY_MAX_SESSIONS = 20_000;

export function isSessionActive(session: Session | null, now = new Date()): session is Session {
  return !!session && !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/**
 * Session state for the per-request check, in three layers: this process's memory, Redis
 * (`sess:<id>` = `1:<ms the session expires>` active / `0` ended, with a TTL), and PostgreSQL, the
 * durable source, when Redis has no entry or is down. Revocation writes PostgreSQL, then this
 * process's memory, then Redis, then publishes on the revocation channel, which every api-server
 * process (and the portal) listens to.
 *
 * The memory is used only while this process is subscribed to that channel: when the subscription
 * drops, it is emptied and every check goes to Redis again until the subscription is confirmed.
 */
@Injectable()
export class SessionStore implements SessionValidator, OnModuleInit {
  private readonly logger = new Logger(SessionStore.name);
  /** true = active, false = ended (final: an ended session never becomes active again). */
  private readonly memory = new MemoryTtlCache<boolean>(MEMORY_MAX_SESSIONS);
  private memoryTrusted = false;
  /** Bumped whenever the memory is emptied, so an answer read before that is not put back. */
  private memoryEpoch = 0;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    this.cache(); // connects now, so the first requests do not find it still connecting
    listenForSessionRevocations(this.redis, 'SessionRevocations', {
      revoked: (sessionId) => this.memory.set(sessionId, false, MEMORY_TTL_MS),
      subscribed: () => this.resetMemory(true),
      lost: () => this.resetMemory(false),
    });
  }

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
    if (this.memoryTrusted) {
      const known = this.memory.get(sessionId);
      if (known !== undefined) return known;
    }
    const epoch = this.memoryEpoch;
    try {
      const cached = await this.cache().get(this.key(sessionId));
      if (cached !== null) {
        const active = cached.startsWith('1');
        this.learn(epoch, sessionId, active, active ? Number(cached.slice(2)) || undefined : undefined);
        return active;
      }
    } catch (err) {
      this.logger.warn(`Session cache unavailable, asking PostgreSQL: ${(err as Error).message}`);
    }
    const session = await this.sessions.findById(sessionId);
    const active = isSessionActive(session);
    this.learn(epoch, sessionId, active, active ? expiresAt(session) : undefined);
    await this.remember(sessionId, active, active ? session : null);
    return active;
  }

  /** Caches the session state (an active one at most 15 min, and never past its expiry). */
  async remember(sessionId: string, active: boolean, session: Session | null): Promise<void> {
    const until = active && session ? expiresAt(session) : undefined;
    this.learn(this.memoryEpoch, sessionId, active, until);
    const ttl = until !== undefined ? Math.min(POSITIVE_TTL_MAX_S, secondsUntil(until)) : NEGATIVE_TTL_S;
    if (ttl <= 0) return;
    await this.cache()
      .set(this.key(sessionId), until !== undefined ? `1:${until}` : '0', 'EX', ttl)
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

  /** Marks ended sessions here and in Redis, and tells the other processes. */
  async forget(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) this.memory.set(id, false, MEMORY_TTL_MS);
    const client = this.cache();
    try {
      const pipeline = client.pipeline();
      for (const id of sessionIds) pipeline.set(this.key(id), '0', 'EX', NEGATIVE_TTL_S * 12);
      await pipeline.exec();
      for (const id of sessionIds) await client.publish(sessionRevokedChannel(this.redis), id);
    } catch (err) {
      // PostgreSQL already says revoked; a stale '1' would live until its TTL, so drop it if we can.
      this.logger.error(`Could not publish session revocation: ${(err as Error).message}`);
    }
  }

  /**
   * Remembers in memory what was just read, unless the memory was emptied since the read began, or
   * already knows the session has ended (a revocation that overtook the read).
   */
  private learn(epoch: number, sessionId: string, active: boolean, until?: number): void {
    if (!this.memoryTrusted || epoch !== this.memoryEpoch) return;
    if (!active) return this.memory.set(sessionId, false, MEMORY_TTL_MS);
    if (this.memory.get(sessionId) === false) return;
    const ttl = Math.min(MEMORY_TTL_MS, until !== undefined ? until - Date.now() : MEMORY_TTL_MS);
    this.memory.set(sessionId, true, ttl);
  }

  private resetMemory(trusted: boolean): void {
    this.memoryEpoch++;
    this.memory.clear();
    this.memoryTrusted = trusted;
  }
}

/** When the session stops being active by itself (idle or absolute expiry), in ms since the epoch. */
function expiresAt(session: Session): number {
  return Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime());
}

function secondsUntil(ms: number): number {
  return Math.floor((ms - Date.now()) / 1000);
}
