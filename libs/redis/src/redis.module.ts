import { Global, Module } from '@nestjs/common';
import { RedisConnections } from './redis-connections';
import { RedisReadiness } from './redis.readiness';

/** The process's shared general-purpose client (keys under REDIS_KEY_PREFIX). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Global()
@Module({
  providers: [
    RedisConnections,
    RedisReadiness,
    { provide: REDIS_CLIENT, useFactory: (c: RedisConnections) => c.get('main'), inject: [RedisConnections] },
  ],
  exports: [RedisConnections, RedisReadiness, REDIS_CLIENT],
})
export class RedisModule {}
