import { AppError, CommonErrorCode, serviceUnavailable } from '@ppt/observability';
import type Redis from 'ioredis';
import ipaddr from 'ipaddr.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisConnections } from './redis-connections';

/** What a limit allows, as its refusals advertise it: `quota` units per `windowS` seconds. */
export interface LimitPolicy {
  /** A short token naming the policy in the RateLimit headers, e.g. `sign-in-ip`. */
  name: string;
  quota: number;
  windowS: number;
}

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
  return new RateLimiterRedis({
    storeClient: rateLimitClient(redis),
    keyPrefix: `${redis.keyPrefix}rl:${name}`,
    points,
    duration: durationS,
  });
}

/** The connection every limit shares: without prefix (keys carry it), failing fast when Redis is gone. */
export function rateLimitClient(redis: RedisConnections): Redis {
  return redis.get('rate-limit', { raw: true, maxRetriesPerRequest: 1 });
}

/**
 * Runs a limiter operation: over the limit → 429 RATE_LIMITED; Redis unreachable → 503 (the limit
 * cannot be checked, so the action fails closed — never unlimited, never a 500).
 */
export async function withinLimit<T>(
  what: string,
  policy: LimitPolicy,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimited(what, err.msBeforeNext, policy);
    if (err instanceof AppError) throw err;
    throw limitUnavailable(what);
  }
}

/** The 503 of a limited action whose limit cannot be read (Redis down): closed, with Retry-After. */
export function limitUnavailable(what: string): AppError {
  return serviceUnavailable(`${what} is temporarily unavailable; try again shortly`);
}

/**
 * 429 RATE_LIMITED with Retry-After and the RateLimit / RateLimit-Policy fields of
 * draft-ietf-httpapi-ratelimit-headers-10 (structured-field lists of named policies: `q` quota,
 * `w` window in seconds; `r` remaining, `t` seconds until the quota is available again).
 */
export function rateLimited(what: string, msBeforeNext: number, policy: LimitPolicy): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    CommonErrorCode.RateLimited,
    429,
    `Too many attempts (${what}); try again in ${seconds} s`,
    undefined,
    {
      'Retry-After': String(seconds),
      'RateLimit-Policy': `"${policy.name}";q=${policy.quota};w=${policy.windowS}`,
      RateLimit: `"${policy.name}";r=0;t=${seconds}`,
    },
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
