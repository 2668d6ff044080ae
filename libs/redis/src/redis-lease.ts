import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

// Only the holder's token may renew or release a lease: one that expired and was taken by another
// holder stays theirs.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A lease across processes: `key` set to a fresh token for `ttlMs` if nobody holds it. Returns the
 * token (to renew or release with), or null when the lease is held. A holder that dies frees it
 * when the TTL runs out.
 */
export async function takeLease(
  redis: Redis,
  key: string,
  ttlMs: number,
  token = randomUUID(),
): Promise<string | null> {
  return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null;
}

/** Extends the lease by `ttlMs` if `token` still holds it; false when it does not. */
export async function renewLease(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
  return (await redis.eval(RENEW, 1, key, token, ttlMs)) === 1;
}

/** Frees the lease if `token` still holds it; false when it did not (expired, or someone else's now). */
export async function releaseLease(redis: Redis, key: string, token: string): Promise<boolean> {
  return (await redis.eval(RELEASE, 1, key, token)) === 1;
}
