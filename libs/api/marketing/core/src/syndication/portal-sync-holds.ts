import { Inject, Injectable } from '@nestjs/common';
import { RedisConnections, releaseLease, renewLease } from '@ppt/redis';
import { randomUUID } from 'node:crypto';
import { SyndicationEnv } from './syndication.env';

/** What a portal job must hold before it calls the portal, and why it could not get it. */
export type HoldRefusal = 'listing-busy' | 'portal-full';

export interface Hold {
  release(): Promise<void>;
}

// The lock's value is "<Bull job id>|<token>". Free, or held by an earlier run of the same Bull job:
// Bull runs a job again only after that run lost its Bull lock (its worker died or hung), and both
// runs carry the same version, so taking over is safe and a stalled job's rerun is not deferred
// (which would reset Bull's stall count for it).
const TAKE_LOCK = `
local held = redis.call('get', KEYS[1])
if (not held) or string.sub(held, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;
// Free expired leases, then take one if fewer than the limit are held (or re-take this job's own
// lease, as above). Atomic, so two workers can never both take the last slot.
const TAKE_SLOT = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zscore', KEYS[1], ARGV[4]) or redis.call('zcard', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('zadd', KEYS[1], ARGV[3], ARGV[4])
  redis.call('pexpire', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * The two things a portal job holds while it calls a portal, across all workers:
 * - the listing's lock on that portal (one job per listing and portal at a time, so an older
 *   version can never overwrite a newer advert);
 * - one of the portal's slots (`SYNDICATION_PORTAL_CONCURRENCY` per portal): a portal that hangs
 *   ties up its own slots only, never the workers' capacity for the other portals.
 * Both are taken without waiting: a job that cannot get them is delayed and re-queued by the caller,
 * so waiting never occupies a worker slot. Both are leases with a TTL of 4 × the portal timeout,
 * renewed every quarter of it while the job runs (only while still ours): a dead worker's hold
 * expires on its own.
 */
@Injectable()
export class PortalSyncHolds {
  constructor(
    private readonly redis: RedisConnections,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  /** `jobId`: the Bull job that runs the call (its reruns may take over what it held). */
  async take(listingId: string, portal: string, jobId: string): Promise<Hold | HoldRefusal> {
    const redis = this.redis.get('syndication-locks');
    const ttlMs = this.env.SYNDICATION_PORTAL_TIMEOUT_MS * 4;
    const token = `${jobId}|${randomUUID()}`;
    const lockKey = `syndication:lock:${listingId}:${portal}`;
    const slotsKey = `syndication:slots:${portal}`;
    if ((await redis.eval(TAKE_LOCK, 1, lockKey, jobId, token, ttlMs)) !== 1) return 'listing-busy';
    const now = Date.now();
    const slot = await redis
      .eval(TAKE_SLOT, 1, slotsKey, now, this.env.SYNDICATION_PORTAL_CONCURRENCY, now + ttlMs, jobId, ttlMs)
      .catch(async (err: unknown) => {
        await releaseLease(redis, lockKey, token).catch(() => undefined);
        throw err;
      });
    if (slot !== 1) {
      await releaseLease(redis, lockKey, token).catch(() => undefined);
      return 'portal-full';
    }
    const renew = setInterval(
      () =>
        void Promise.all([
          renewLease(redis, lockKey, token, ttlMs),
          // XX: only a lease still ours (an expired one was freed and may be someone else's slot now).
          redis.zadd(slotsKey, 'XX', Date.now() + ttlMs, jobId),
        ]).catch(() => undefined),
      Math.max(100, Math.floor(ttlMs / 4)),
    );
    return {
      release: async () => {
        clearInterval(renew);
        await Promise.all([redis.zrem(slotsKey, jobId), releaseLease(redis, lockKey, token)]).catch(
          () => undefined,
        );
      },
    };
  }
}
