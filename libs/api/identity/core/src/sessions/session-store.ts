import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  listenForSessionRevocations,
  MemoryTtlCache,
  sessionChangedChannel,
  sessionRevokedChannel,
  type SessionValidator,
} from '@ppt/auth';
import type { Session } from '@ppt/api-db';
import { RedisConnections } from '@ppt/redis';
import type { EntityManager } from 'typeorm';
import { writeOrUnavailable } from '@ppt/api-shared';
import { SessionsRepository, type AdvancedSession, type SessionFilter } from './sessions.repository';

const NEGATIVE_TTL_S = 300;
/** How long Redis remembers that a session ended (longer than any access token lives). */
const ENDED_TTL_S = NEGATIVE_TTL_S * 12;
/** Bounds how long a stale "active" could survive a revocation made while Redis was unreachable. */
const POSITIVE_TTL_MAX_S = 900;
/**
 * How long this process trusts what it learnt of a session without asking Redis. Revocations reach
 * it by pub/sub within milliseconds; this only bounds a message lost on a connection that stayed up.
 */
const MEMORY_TTL_MS = 10_000;
const MEMORY_MAX_SESSIONS = 20_000;

/**
 * Writes an active session's state unless Redis already knows better: an ended session (`0`) is
 * final, and a newer generation is not replaced by an older one. So a refresh or a read from
 * PostgreSQL that raced a logout or a switch cannot bring back what that logout or switch ended.
 * KEYS[1] = the session key; ARGV = value, generation, TTL in seconds.
 */
const SET_ACTIVE_UNLESS_SUPERSEDED = `
local current = redis.call('GET', KEYS[1])
if current == '0' then return 0 end
if current then
  local generation = tonumber(string.match(current, '^1:%d+:(%d+)$') or '0')
  if generation > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

export function isSessionActive(session: Session | null, now = new Date()): session is Session {
  return !!session && !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/** What is known of a session: its current generation while active, `false` once ended. */
type SessionState = number | false;

/**
 * Session state for the per-request check, in three layers: this process's memory, Redis
 * (`sess:<id>` = `1:<ms the session expires>:<generation>` active / `0` ended, with a TTL), and
 * PostgreSQL, the durable source, when Redis has no entry or is down. A token is accepted only if its
 * session is active and the token carries the session's current generation.
 *
 * Changes (ending a session, moving its generation on) run inside a PostgreSQL transaction and write
 * Redis and publish before it commits: when Redis does not take the write (after a few tries), the
 * transaction rolls back and the request fails with 503, so nothing is reported done that other
 * processes would not see. Every api-server process (and the portal, for revocations) listens.
 *
 * The memory is used only while this process is subscribed to those channels: when the subscription
 * drops, it is emptied and every check goes to Redis again until the subscription is confirmed.
 */
@Injectable()
export class SessionStore implements SessionValidator, OnModuleInit {
  private readonly logger = new Logger(SessionStore.name);
  /** Ended is final: an ended session never becomes active again, and generations only grow. */
  private readonly memory = new MemoryTtlCache<SessionState>(MEMORY_MAX_SESSIONS);
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
      alsoListen: {
        [this.changedChannel()]: (message) => {
          const [sessionId, generation, until] = message.split(' ');
          if (sessionId && Number.isInteger(Number(generation)))
            this.learn(this.memoryEpoch, sessionId, Number(generation), Number(until) || undefined);
        },
      },
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

  private changedChannel(): string {
    return sessionChangedChannel(this.redis);
  }

  /** Whether the session is active and `generation` (a token's `gen`, 0 when absent) is its current one. */
  async isActive(sessionId: string, generation = 0): Promise<boolean> {
    return (await this.state(sessionId)) === generation;
  }

  private async state(sessionId: string): Promise<SessionState> {
    if (this.memoryTrusted) {
      const known = this.memory.get(sessionId);
      if (known !== undefined) return known;
    }
    const epoch = this.memoryEpoch;
    try {
      const cached = await this.cache().get(this.key(sessionId));
      if (cached !== null) {
        const [flag, until, generation] = cached.split(':');
        const state: SessionState = flag === '1' ? Number(generation ?? 0) : false;
        this.learn(epoch, sessionId, state, Number(until) || undefined);
        return state;
      }
    } catch (err) {
      this.logger.warn(`Session cache unavailable, asking PostgreSQL: ${(err as Error).message}`);
    }
    const session = await this.sessions.findById(sessionId);
    const active = isSessionActive(session);
    this.learn(
      epoch,
      sessionId,
      active ? session.generation : false,
      active ? expiresAt(session) : undefined,
    );
    await this.remember(sessionId, active ? session : null);
    return active ? session.generation : false;
  }

  /**
   * Caches the state of a session just read or refreshed (an active one at most 15 min, never past
   * its expiry). Best effort: Redis is a mirror, PostgreSQL answers when it has nothing.
   */
  async remember(sessionId: string, session: Session | null): Promise<void> {
    if (!session) {
      this.learn(this.memoryEpoch, sessionId, false);
      await this.cache()
        .set(this.key(sessionId), '0', 'EX', NEGATIVE_TTL_S)
        .catch((err: Error) => this.logger.warn(`Could not cache session state: ${err.message}`));
      return;
    }
    const until = expiresAt(session);
    this.learn(this.memoryEpoch, sessionId, session.generation, until);
    const ttl = Math.min(POSITIVE_TTL_MAX_S, secondsUntil(until));
    if (ttl <= 0) return;
    await this.cache()
      .eval(
        SET_ACTIVE_UNLESS_SUPERSEDED,
        1,
        this.key(sessionId),
        `1:${until}:${session.generation}`,
        session.generation,
        ttl,
      )
      .catch((err: Error) => this.logger.warn(`Could not cache session state: ${err.message}`));
  }

  /**
   * Ends the matching active sessions, in the caller's transaction when given one. Redis and the
   * other processes hear of it before PostgreSQL commits; if they cannot, nothing is committed (503).
   */
  revoke(where: SessionFilter, reason: string, manager?: EntityManager): Promise<string[]> {
    const end = async (m: EntityManager) => {
      const ids = await this.sessions.revoke(where, reason, m);
      await this.announceEnded(ids);
      return ids;
    };
    return manager ? end(manager) : this.sessions.transaction(end);
  }

  /**
   * Moves the generation of the matching active sessions on (and applies `changes`, e.g. the
   * organisation a session acts in), so the access tokens issued before stop working at once while
   * the sessions, and their refresh tokens, live on. Same guarantees as `revoke`.
   */
  advance(
    where: SessionFilter,
    changes: { currentOrganizationId?: string },
    manager?: EntityManager,
  ): Promise<AdvancedSession[]> {
    const move = async (m: EntityManager) => {
      const advanced = await this.sessions.advanceGeneration(where, changes, m);
      await this.announceAdvanced(advanced);
      return advanced;
    };
    return manager ? move(manager) : this.sessions.transaction(move);
  }

  private async announceEnded(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const channel = sessionRevokedChannel(this.redis);
    await writeOrUnavailable('session revocation', this.logger, () => {
      const tx = this.cache().multi();
      for (const id of sessionIds) tx.set(this.key(id), '0', 'EX', ENDED_TTL_S).publish(channel, id);
      return tx.exec();
    });
    for (const id of sessionIds) this.memory.set(id, false, MEMORY_TTL_MS);
  }

  private async announceAdvanced(sessions: AdvancedSession[]): Promise<void> {
    if (sessions.length === 0) return;
    const channel = this.changedChannel();
    await writeOrUnavailable('session change', this.logger, () => {
      const tx = this.cache().multi();
      for (const s of sessions) {
        const until = expiresAt(s);
        const ttl = Math.max(1, Math.min(POSITIVE_TTL_MAX_S, secondsUntil(until)));
        tx.eval(
          SET_ACTIVE_UNLESS_SUPERSEDED,
          1,
          this.key(s.id),
          `1:${until}:${s.generation}`,
          s.generation,
          ttl,
        );
        tx.publish(channel, `${s.id} ${s.generation} ${until}`);
      }
      return tx.exec();
    });
    for (const s of sessions) this.learn(this.memoryEpoch, s.id, s.generation, expiresAt(s));
  }

  /**
   * Remembers in memory what was just read or heard, unless the memory was emptied since the read
   * began, or already knows something newer (an ended session, a later generation).
   */
  private learn(epoch: number, sessionId: string, state: SessionState, until?: number): void {
    if (!this.memoryTrusted || epoch !== this.memoryEpoch) return;
    if (state === false) return this.memory.set(sessionId, false, MEMORY_TTL_MS);
    const known = this.memory.get(sessionId);
    if (known === false || (known !== undefined && known > state)) return;
    const ttl = Math.min(MEMORY_TTL_MS, until !== undefined ? until - Date.now() : MEMORY_TTL_MS);
    this.memory.set(sessionId, state, ttl);
  }

  private resetMemory(trusted: boolean): void {
    this.memoryEpoch++;
    this.memory.clear();
    this.memoryTrusted = trusted;
  }
}

/** When the session stops being active by itself (idle or absolute expiry), in ms since the epoch. */
function expiresAt(session: Pick<Session, 'idleExpiresAt' | 'absoluteExpiresAt'>): number {
  return Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime());
}

function secondsUntil(ms: number): number {
  return Math.floor((ms - Date.now()) / 1000);
}
