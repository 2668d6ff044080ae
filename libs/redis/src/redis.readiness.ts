import { Injectable, type OnModuleInit } from '@nestjs/common';
import { probe, type DependencyStatus, type ReadinessCheck } from '@ppt/observability';
import type Redis from 'ioredis';
import { RedisConnections } from './redis-connections';

/**
 * PING over a dedicated connection without an offline queue, so while Redis is unreachable the
 * check fails within its deadline instead of queueing the command.
 */
@Injectable()
export class RedisReadiness implements ReadinessCheck, OnModuleInit {
  readonly name = 'redis';
  private client!: Redis;

  constructor(private readonly connections: RedisConnections) {}

  onModuleInit(): void {
    this.client = this.connections.get('health', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      raw: true,
    });
  }

  check(): Promise<DependencyStatus> {
    return probe(async () => {
      const status = this.client.status;
      if (status === 'connecting' || status === 'connect') await untilReady(this.client);
      else if (status !== 'ready') throw new Error(`not connected (${status})`);
      await this.client.ping();
    }, 1000);
  }
}

function untilReady(client: Redis): Promise<void> {
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
