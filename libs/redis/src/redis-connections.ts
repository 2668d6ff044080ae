import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CoreEnv } from '@ppt/config';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { closeRedisClient, createRedisClient } from './redis-client';

/**
 * Owns every Redis connection of the process (named, created on first use) and closes them all at
 * shutdown, after the HTTP server and the queues.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly clients = new Map<string, Redis>();

  constructor(@Inject(CoreEnv) private readonly env: CoreEnv) {}

  get keyPrefix(): string {
    return this.env.REDIS_KEY_PREFIX;
  }

  /**
   * A shared client for `name`; keys are written under REDIS_KEY_PREFIX unless `raw` is set. Its
   * commands are timed (redis_command_duration_seconds): shared clients serve short request-path
   * commands, where latency means something.
   */
  get(name: string, overrides: RedisOptions & { raw?: boolean } = {}): Redis {
    let client = this.clients.get(name);
    if (!client) {
      const { raw, ...rest } = overrides;
      client = createRedisClient(this.env.REDIS_URL, {
        name,
        keyPrefix: raw ? undefined : this.env.REDIS_KEY_PREFIX,
        overrides: rest,
        timeCommands: true,
      });
      this.clients.set(name, client);
    }
    return client;
  }

  /**
   * A new connection the caller owns (Bull creates one per queue and role; subscribers and blocking
   * stream readers take one each). Not timed: a blocking read or a subscription "lasts" as long as it
   * waits, which is not latency.
   */
  create(name: string, overrides: RedisOptions = {}): Redis {
    const client = createRedisClient(this.env.REDIS_URL, { name, overrides });
    this.clients.set(`${name}#${this.clients.size}`, client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map(closeRedisClient));
    this.clients.clear();
  }
}
