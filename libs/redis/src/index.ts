export {
  assertNoEviction,
  closeRedisClient,
  createRedisClient,
  reconnectDelay,
  type RedisClientOptions,
} from './redis-client';
export { RedisConnections } from './redis-connections';
export { commandLabel, timeRedisCommands } from './redis-metrics';
export { REDIS_CLIENT, RedisModule } from './redis.module';
export { RedisReadiness } from './redis.readiness';
export {
  clientKey,
  createRateLimiter,
  limitUnavailable,
  rateLimited,
  withinLimit,
  type LimitPolicy,
} from './rate-limits';
export { FailureLockout, type LockoutSettings } from './failure-lockout';
export { releaseLease, renewLease, takeLease } from './redis-lease';
