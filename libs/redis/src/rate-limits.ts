import { AppError, CommonErrorCode, serviceUnavailable } from '@ppt/observability';
import type Redis from 'ioredis';
import ipaddr from 'ipaddr.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisConnections } from './redis-connections';

/**
 * A limiter on the shared rate-limit connection (one retry at most: during an outage a request
 * fails fast instead of waiting), keys under `<REDIS_KEY_PREFIX>rl:<name>`.
 */
export function createRateLimiter(
  redis: RedisConnections,
  name: string,
  points: number,
  durationS: number,
): RateLimiterRedis {
  const storeClient: Redis = redis.get('rate-limit', { raw: true, maxRetriesPerRequest: 1 });
  return new RateLimiterRedis({
    storeClient,
    keyPrefix: `${redis.keyPrefix}rl:${name}`,
    points,
    duration: durationS,
  });
}

/**
 * Runs a limiter operation: over the limit → 429 with Retry-After; Redis unreachable → 503 (the limit
 * cannot be checked, so the action fails closed — never unlimited, never a 500).
 */
export async function withinLimit<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooMany(what, err.msBeforeNext);
    throw serviceUnavailable(`${what} is temporarily unavailable; try again shortly`);
  }
}

export function tooMany(what: string, msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    CommonErrorCode.TooManyRequests,
    429,
    `Too many attempts (${what}); try again in ${seconds} s`,
    undefined,
    { 'Retry-After': String(seconds) },
  );
}

/**
 * What a per-client limit counts under: an IPv4 address, or the /64 network of an IPv6 one (one
 * subscriber holds a whole /64 and could otherwise take a fresh address for every request).
 */
export function clientKey(ip: string | null | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const parsed = ipaddr.process(ip); // an IPv4-mapped IPv6 address counts as its IPv4 address
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const groups = (parsed as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4);
  return `${groups.join(':')}::/64`;
}
