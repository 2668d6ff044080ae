import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { RedisConnections } from '@ppt/redis';
import type Redis from 'ioredis';
import { MemoryTtlCache } from '../memory-cache';
import { AnswerSigner } from './answer-signer';
import { ssoSharedAnswersRejected } from './sso.metrics';
import { SSO_OPTIONS, type ResolvedSsoOptions } from './sso.options';

/** What the portal remembers of an introspection answer. */
export type CachedAnswer =
  | {
      active: true;
      userId: string;
      sessionId: string;
      organizationId: string | null;
      role: MembershipRole | null;
      /** The token's `exp` (seconds): with userId and sessionId, what binds the answer to one token. */
      expiresAt: number;
    }
  | { active: false };

/** The claims of a token this process has verified, which an active answer must match to be used. */
export interface TokenBinding {
  sub: string;
  sid: string;
  exp: number;
}

/**
 * Whether an answer may stand for the token with these claims: an active one only if it names the
 * very user, session and expiry (an inactive answer grants nothing, so it needs no binding).
 */
export function answerFits(answer: CachedAnswer, token: TokenBinding): boolean {
  return (
    !answer.active ||
    (answer.userId === token.sub && answer.sessionId === token.sid && answer.expiresAt === token.exp)
  );
}

/** A cached answer and whether it may be used without asking api-server (see IntrospectionCache). */
export interface CacheLookup {
  answer: CachedAnswer;
  trusted: boolean;
}

/** An answer with the time (ms) its introspection was sent, on the clock of the replica that sent it. */
interface Stamped {
  answer: CachedAnswer;
  at: number;
}

/** A stamped answer until it expires (ms), as Redis holds it and replicas announce it. */
interface Expiring extends Stamped {
  until: number;
}

/** In this process's memory; `verified`: the claims of the token, once this process has checked its signature. */
interface Remembered extends Expiring {
  verified?: TokenBinding;
}

/**
 * What a replica writes to Redis under the token's hash and announces on the answers channel, both
 * signed (AnswerSigner); the hash inside ties a Redis entry to its key.
 */
interface Shared extends Expiring {
  hash: string;
}

/** Channel every replica announces its new answers on (channels are not prefixed by ioredis). */
export const SSO_ANSWERS_CHANNEL = 'sso:answers';

const tokenKey = (hash: string) => `sso:tok:${hash}`;
const sessionKey = (sessionId: string) => `sso:sid:${sessionId}`;

/**
 * Introspection answers by SHA-256 of the token: a bounded in-process cache in front of Redis
 * (shared by every portal replica). Both keep a session id → token hashes index, so a revoked
 * session's answers can be dropped, and ended sessions are remembered for as long as any answer
 * could still be cached, so an introspection that raced the revocation cannot bring one back.
 * Redis failures are logged and ignored: the portal then runs on the in-process cache alone.
 *
 * Revocations reach this replica only while it is subscribed, and those published meanwhile are
 * lost, so an active answer is trusted only while subscribed and only if its introspection was sent
 * after the subscription was last confirmed: any later revocation has reached us and dropped it.
 * Other answers are kept as a fallback for when api-server cannot be asked; an inactive answer is
 * final and always trusted. Stamps come from the writing replica's clock: replicas are assumed
 * NTP-synced (a skew only matters for a revocation within that skew of a re-subscription).
 *
 * Every answer cached is also announced to the other replicas, which keep it in memory: a token
 * one replica confirmed is a local hit on all of them. Since only answers introspected after the
 * subscription are trusted, and all of those were announced, a miss in memory is a miss in Redis
 * too, and skips the Redis read, unless the memory has had to evict a trusted answer that has not
 * expired yet (make it large enough for every replica's tokens: SSO_MEMORY_CACHE_SIZE). Redis then
 * serves what memory evicted, and is the fallback when api-server cannot be asked. An answer heard
 * from Redis or a replica is served from memory without a signature check only once this process
 * has checked the token's signature itself (`checked`), and only while it names that token's
 * user, session and expiry (`answerFits`).
 *
 * What replicas share is signed with a key only they hold (SSO_ANNOUNCEMENT_KEYS): an entry or
 * announcement without a valid MAC is dropped and counted (sso_shared_answers_rejected_total), so
 * whoever can write to Redis or publish there still cannot make a replica keep an answer.
 */
@Injectable()
export class IntrospectionCache implements OnModuleInit {
  private readonly logger = new Logger('SsoCache');
  private readonly memory: MemoryTtlCache<Remembered>;
  private readonly hashesBySession = new Map<string, Set<string>>();
  private readonly endedSessions: MemoryTtlCache<true>;
  /** When this replica heard that a session's generation moved on: its answers from before are stale. */
  private readonly changedSessions: MemoryTtlCache<number>;
  private readonly signer: AnswerSigner;
  private redisFailing = false;
  /** When the revocation subscription was last confirmed; undefined while not subscribed. */
  private subscribedSince: number | undefined;
  /** Until then Redis may hold trusted answers the memory lacks: it dropped one for room that lives till then. */
  private evictedUntil = 0;

  constructor(
    private readonly connections: RedisConnections,
    @Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions,
  ) {
    this.memory = new MemoryTtlCache<Remembered>(options.memoryCacheSize, (hash, entry, reason) => {
      if (entry.answer.active) this.unindex(entry.answer.sessionId, hash);
      // lru-cache evicts the least recently used entry even when it has expired: only a live,
      // trusted answer pushed out leaves Redis knowing more than this memory.
      if (reason === 'evict' && entry.until > Date.now() && this.trusted(entry))
        this.evictedUntil = Math.max(this.evictedUntil, entry.until);
    });
    this.endedSessions = new MemoryTtlCache<true>(options.memoryCacheSize * 2);
    this.changedSessions = new MemoryTtlCache<number>(options.memoryCacheSize * 2);
    this.signer = options.announcementKeys ? new AnswerSigner(options.announcementKeys) : processSigner();
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

  /**
   * An active answer that must not be kept: its session ended, or its generation moved on after the
   * introspection was sent (`at`), so the token it vouches for may be one api-server no longer accepts.
   */
  private superseded(answer: CachedAnswer, at: number): boolean {
    if (!answer.active) return false;
    const changedAt = this.changedSessions.get(answer.sessionId);
    return this.isEnded(answer.sessionId) || (changedAt !== undefined && at < changedAt);
  }

  /** This replica hears revocations from now on (the subscription is confirmed). */
  subscribed(): void {
    this.subscribedSince = Date.now();
    this.evictedUntil = 0; // what was evicted before is not trusted any more
  }

  /** Revocations may be missed until `subscribed` is called again. */
  unsubscribed(): void {
    this.subscribedSince = undefined;
  }

  /**
   * Whether Redis may hold a trusted answer this process does not: always, unless it is subscribed
   * (so it heard every answer announced since, and only those can be trusted) and none it evicted
   * is still alive.
   */
  redisMayKnowMore(): boolean {
    return this.subscribedSince === undefined || Date.now() < this.evictedUntil;
  }

  /** The full name of the channel answers are announced on (RevocationListener subscribes to it). */
  get answersChannel(): string {
    return `${this.connections.keyPrefix}${SSO_ANSWERS_CHANNEL}`;
  }

  /** Another replica (or this one) cached an answer: keep it here too, unless it is stale or caching is off. */
  heard(message: string): void {
    if (this.options.cacheTtlS <= 0) return;
    const announced = this.open(message, 'announcement');
    if (announced) this.take(announced.hash, announced);
  }

  /**
   * The trusted in-process answer for a token whose signature this process has checked (no Redis
   * round trip, no signature check needed).
   */
  getLocal(hash: string): CachedAnswer | undefined {
    const local = this.memory.get(hash);
    return local?.verified && this.trusted(local) && answerFits(local.answer, local.verified)
      ? local.answer
      : undefined;
  }

  /** The token under `hash`, with these claims, passed this process's signature and claims checks. */
  checked(hash: string, token: TokenBinding): void {
    const local = this.memory.get(hash);
    if (local) local.verified = token;
  }

  /** The answer that may be used without asking api-server, if any, from memory or Redis. */
  async get(hash: string): Promise<CachedAnswer | undefined> {
    const found = await this.lookup(hash, { everywhere: true });
    return found?.trusted ? found.answer : undefined;
  }

  /**
   * A trusted answer, else the newest untrusted one (only for when api-server cannot be asked).
   * Redis is read only when it may know more than this process (`redisMayKnowMore`), or
   * `everywhere`: an untrusted answer there still beats a 503 when api-server is down.
   */
  async lookup(hash: string, { everywhere = false } = {}): Promise<CacheLookup | undefined> {
    const local = this.memory.get(hash);
    if (local && this.trusted(local)) return { answer: local.answer, trusted: true };
    if (!everywhere && !this.redisMayKnowMore()) return local && { answer: local.answer, trusted: false };
    const stored = await this.guard('read', async () => {
      const raw = await this.redis().get(tokenKey(hash));
      const entry = raw ? this.open(raw, 'redis') : undefined;
      if (entry && entry.hash !== hash) {
        ssoSharedAnswersRejected.inc({ source: 'redis', reason: 'wrong_key' });
        return undefined; // a signed entry copied under another token's key
      }
      return entry;
    });
    const taken = stored && this.take(hash, stored);
    if (taken) return { answer: taken.answer, trusted: this.trusted(taken) };
    return local && { answer: local.answer, trusted: false };
  }

  /**
   * `answer` comes from introspecting the token under `hash`, whose checked claims it was built
   * from; `at`: when that introspection was sent.
   */
  async set(hash: string, answer: CachedAnswer, ttlS: number, at = Date.now()): Promise<void> {
    if (ttlS <= 0 || this.superseded(answer, at)) return;
    const until = Date.now() + ttlS * 1000;
    const verified = answer.active
      ? { sub: answer.userId, sid: answer.sessionId, exp: answer.expiresAt }
      : undefined;
    this.remember(hash, { answer, at, until }, verified);
    // One signed value: the Redis entry and the announcement are the same bytes.
    const value = this.signer.sign(JSON.stringify({ hash, answer, at, until } satisfies Shared));
    await this.guard('write', async () => {
      const tx = this.redis()
        .multi()
        .set(tokenKey(hash), value, 'EX', ttlS)
        .publish(this.answersChannel, value);
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
    await this.forgetAnswers(sessionId);
  }

  /**
   * A session's generation moved on (organisation switch, role change): its earlier tokens no longer
   * work at api-server, so every answer obtained before now is forgotten here and in Redis, and one
   * obtained before now that arrives later (an introspection in flight) is not kept. The session's new
   * token is simply introspected again.
   */
  async sessionChanged(sessionId: string): Promise<void> {
    this.changedSessions.set(sessionId, Date.now(), this.options.cacheTtlS * 1000);
    await this.forgetAnswers(sessionId);
  }

  private async forgetAnswers(sessionId: string): Promise<void> {
    for (const hash of [...(this.hashesBySession.get(sessionId) ?? [])]) this.memory.delete(hash);
    await this.guard('drop', async () => {
      const redis = this.redis();
      const hashes = await redis.smembers(sessionKey(sessionId));
      await redis.del(sessionKey(sessionId), ...hashes.map(tokenKey));
    });
  }

  /**
   * Keeps an answer read from Redis or announced by a replica, unless its session has ended (a
   * revocation being applied) or this process already has it or a newer one; returns what is kept.
   */
  private take(hash: string, found: Expiring): Stamped | undefined {
    if (this.superseded(found.answer, found.at)) return undefined;
    const local = this.memory.get(hash);
    if (local && found.at <= local.at) return found.at === local.at ? local : undefined;
    // The same token (same hash): a signature this process checked stays checked, and the new
    // answer is still used only if it fits that token's claims (getLocal).
    this.remember(hash, found, local?.verified);
    return found;
  }

  /** A shared answer whose MAC verifies and whose shape is ours; anything else is dropped and counted. */
  private open(signed: string, source: 'announcement' | 'redis'): Shared | undefined {
    const opened = this.signer.open(signed);
    if ('rejected' in opened) {
      ssoSharedAnswersRejected.inc({ source, reason: opened.rejected });
      return undefined;
    }
    let shared: Partial<Shared> | null;
    try {
      shared = JSON.parse(opened.body) as Partial<Shared> | null;
    } catch {
      shared = null;
    }
    if (!shared || typeof shared.hash !== 'string' || !isExpiring(shared)) {
      ssoSharedAnswersRejected.inc({ source, reason: 'malformed' });
      return undefined;
    }
    return shared as Shared;
  }

  private trusted({ answer, at }: Stamped): boolean {
    return !answer.active || (this.subscribedSince !== undefined && at >= this.subscribedSince);
  }

  private remember(hash: string, entry: Expiring, verified: TokenBinding | undefined): void {
    const ttlMs = entry.until - Date.now();
    if (ttlMs <= 0) return;
    this.memory.set(hash, { answer: entry.answer, at: entry.at, until: entry.until, verified }, ttlMs);
    const { answer } = entry;
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

/** An answer as Redis holds it or a replica announces it (both come from outside this process). */
function isExpiring(value: Partial<Expiring>): value is Expiring {
  const answer = value.answer as
    { active?: unknown; userId?: unknown; sessionId?: unknown; expiresAt?: unknown } | undefined;
  return (
    typeof value.at === 'number' &&
    Number.isFinite(value.until) &&
    typeof answer === 'object' &&
    answer !== null &&
    (answer.active === false ||
      (answer.active === true &&
        typeof answer.userId === 'string' &&
        typeof answer.sessionId === 'string' &&
        typeof answer.expiresAt === 'number'))
  );
}

let sharedProcessSigner: AnswerSigner | undefined;

/**
 * Without configured keys (outside production) every cache in this process signs with one random
 * key: replicas in other processes cannot read its answers (they introspect instead), nobody can
 * forge one.
 */
function processSigner(): AnswerSigner {
  return (sharedProcessSigner ??= AnswerSigner.ephemeral());
}
