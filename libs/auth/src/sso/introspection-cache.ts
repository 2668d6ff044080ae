import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { RedisConnections } from '@ppt/redis';
import type Redis from 'ioredis';
import { MemoryTtlCache } from '../memory-cache';
import { SSO_OPTIONS, type ResolvedSsoOptions } from './sso.options';

/** What the portal remembers of an introspection answer. */
export type CachedAnswer =
  | {
      active: true;
      userId: string;
      sessionId: string;
      organizationId: string | null;
      role: MembershipRole | null;
    }
  | { active: false };

const tokenKey = (hash: string) => `sso:tok:${hash}`;
const sessionKey = (sessionId: string) => `sso:sid:${sessionId}`;

/**
 * Introspection answers by SHA-256 of the token: a bounded in-process cache in front of Redis
 * (shared by every portal replica). Both keep a session id → token hashes index, so a revoked
 * session's answers can be dropped, and ended sessions are remembered for as long as any answer
 * could still be cached, so an introspection that raced the revocation cannot bring one back.
 * Redis failures are logged and ignored: the portal then runs on the in-process cache alone.
 */
@Injectable()
export class IntrospectionCache implements OnModuleInit {
  private readonly logger = new Logger('SsoCache');
  private readonly memory: MemoryTtlCache<CachedAnswer>;
  private readonly hashesBySession = new Map<string, Set<string>>();
  private readonly endedSessions: MemoryTtlCache<true>;
  private redisFailing = false;

  constructor(
    private readonly connections: RedisConnections,
    @Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions,
  ) {
    this.memory = new MemoryTtlCache<CachedAnswer>(options.memoryCacheSize, (hash, answer) => {
      if (answer.active) this.unindex(answer.sessionId, hash);
    });
    this.endedSessions = new MemoryTtlCache<true>(options.memoryCacheSize * 2);
  }

  onModuleInit(): void {
    this.redis();
  }

  /**
   * Fails fast while Redis is unreachable (no offline queue, short command deadline): a cache must
   * never make a request slower than asking api-server directly.
   */
  private redis(): Redis {
    return this.connections.get('sso-cache', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
    });
  }

  isEnded(sessionId: string): boolean {
    return this.endedSessions.get(sessionId) === true;
  }

  /** The in-process answer only (no Redis round trip). */
  getLocal(hash: string): CachedAnswer | undefined {
    return this.memory.get(hash);
  }

  async get(hash: string): Promise<CachedAnswer | undefined> {
    const local = this.memory.get(hash);
    if (local) return local;
    const stored = await this.guard('read', async () => {
      const raw = await this.redis().get(tokenKey(hash));
      return raw ? (JSON.parse(raw) as { answer: CachedAnswer; until: number }) : undefined;
    });
    // Redis may still hold it while a revocation is being applied.
    if (!stored || (stored.answer.active && this.isEnded(stored.answer.sessionId))) return undefined;
    this.remember(hash, stored.answer, stored.until - Date.now());
    return stored.answer;
  }

  async set(hash: string, answer: CachedAnswer, ttlS: number): Promise<void> {
    if (ttlS <= 0 || (answer.active && this.isEnded(answer.sessionId))) return;
    this.remember(hash, answer, ttlS * 1000);
    const value = JSON.stringify({ answer, until: Date.now() + ttlS * 1000 });
    await this.guard('write', async () => {
      const tx = this.redis().multi().set(tokenKey(hash), value, 'EX', ttlS);
      // The index lives as long as the longest answer it can point to (the cache cap).
      if (answer.active)
        tx.sadd(sessionKey(answer.sessionId), hash).expire(
          sessionKey(answer.sessionId),
          this.options.cacheTtlS,
        );
      await tx.exec();
    });
  }

  /** A session ended: forget its answers here and in Redis, and refuse to cache it again. */
  async dropSession(sessionId: string): Promise<void> {
    this.endedSessions.set(sessionId, true, this.options.cacheTtlS * 1000);
    for (const hash of [...(this.hashesBySession.get(sessionId) ?? [])]) this.memory.delete(hash);
    await this.guard('drop', async () => {
      const redis = this.redis();
      const hashes = await redis.smembers(sessionKey(sessionId));
      await redis.del(sessionKey(sessionId), ...hashes.map(tokenKey));
    });
  }

  /** Revocations published while we could not listen are lost; start over from Redis and api-server. */
  clearMemory(): void {
    this.memory.clear();
  }

  private remember(hash: string, answer: CachedAnswer, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.memory.set(hash, answer, ttlMs);
    if (!answer.active) return;
    let hashes = this.hashesBySession.get(answer.sessionId);
    if (!hashes) this.hashesBySession.set(answer.sessionId, (hashes = new Set()));
    hashes.add(hash);
  }

  private unindex(sessionId: string, hash: string): void {
    const hashes = this.hashesBySession.get(sessionId);
    hashes?.delete(hash);
    if (hashes?.size === 0) this.hashesBySession.delete(sessionId);
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      if (this.redisFailing) this.logger.log('Redis cache reachable again');
      this.redisFailing = false;
      return result;
    } catch (err) {
      if (!this.redisFailing)
        this.logger.warn(`Redis cache ${what} failed, using the in-process cache: ${(err as Error).message}`);
      this.redisFailing = true;
      return undefined;
    }
  }
}
