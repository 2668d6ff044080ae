import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { assertNoEviction, RedisConnections } from '@ppt/redis';

/**
 * Worker-only start-up check: refuse to consume jobs from a Redis that may evict keys.
 * (Producers do not need it: an HTTP pod keeps serving while Redis is misconfigured or down.)
 */
@Injectable()
export class QueueWorkerGuard implements OnApplicationBootstrap {
  private readonly logger = new Logger(QueueWorkerGuard.name);

  constructor(private readonly connections: RedisConnections) {}

  async onApplicationBootstrap(): Promise<void> {
    await assertNoEviction(this.connections.get('main'));
    this.logger.log('Redis maxmemory-policy is noeviction; queues are safe to consume');
  }
}
