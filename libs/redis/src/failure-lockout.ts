import type Redis from 'ioredis';
import type { RedisConnections } from './redis-connections';
import { rateLimitClient } from './rate-limits';

export interface LockoutSettings {
  /** Consecutive failures before the first lock-out (the one that reaches it locks). */
  failuresBeforeLock: number;
  /** The first lock-out; each further failure doubles it… */
  firstLockMs: number;
  /** …up to this. */
  longestLockMs: number;
  /** Failures are forgotten this long after the last one (or at a success). */
  memoryMs: number;
}

// Redis' own clock, so every replica agrees on when a lock ends.
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] the subject; ARGV failuresBeforeLock, firstLockMs, longestLockMs, memoryMs → the lock set (ms). */
const RECORD_FAILURE = `${NOW_MS}
local failures = redis.call('HINCRBY', KEYS[1], 'n', 1)
local beyond = failures - tonumber(ARGV[1])
local lock = 0
if beyond >= 0 then
  lock = math.floor(math.min(tonumber(ARGV[2]) * 2 ^ math.min(beyond, 40), tonumber(ARGV[3])))
  redis.call('HSET', KEYS[1], 'until', now + lock)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + lock)
return lock`;

/** KEYS[1] the subject → how long (ms) it is still locked for (0: not locked). */
const LOCK_LEFT = `${NOW_MS}
local left = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') - now
if left > 0 then return left end
return 0`;

/**
 * Progressive delay after failures (e.g. wrong passwords): the subject is refused for a lock-out that
 * doubles with every consecutive failure past the allowance, capped. Attempts refused during a lock
 * are not failures (nothing was checked), so a locked subject's lock does not grow by waiting.
 * Keys under `<REDIS_KEY_PREFIX>rl:<name>:<subject>`. Redis errors propagate: callers fail closed.
 */
export class FailureLockout {
  private readonly client: Redis;
  private readonly prefix: string;

  constructor(
    redis: RedisConnections,
    name: string,
    private readonly settings: LockoutSettings,
  ) {
    this.client = rateLimitClient(redis);
    this.prefix = `${redis.keyPrefix}rl:${name}:`;
  }

  /** How long (ms) the subject's lock still lasts; 0 when it is not locked. */
  async lockedForMs(subject: string): Promise<number> {
    return Number(await this.client.eval(LOCK_LEFT, 1, this.prefix + subject));
  }

  /** Counts a failure; answers the lock-out it started (0 while within the allowance). */
  async failed(subject: string): Promise<number> {
    const { failuresBeforeLock, firstLockMs, longestLockMs, memoryMs } = this.settings;
    return Number(
      await this.client.eval(
        RECORD_FAILURE,
        1,
        this.prefix + subject,
        failuresBeforeLock,
        firstLockMs,
        longestLockMs,
        memoryMs,
      ),
    );
  }

  async clear(subject: string): Promise<void> {
    await this.client.del(this.prefix + subject);
  }
}
