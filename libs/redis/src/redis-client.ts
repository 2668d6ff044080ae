import { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import { once } from 'node:events';
import { timeRedisCommands } from './redis-metrics';

export interface RedisClientOptions {
  /** Shown in CLIENT LIST and in logs: `<service>:<name>`. */
  name: string;
  /** Prefix for keys written through this client (ioredis keyPrefix). */
  keyPrefix?: string;
  /** Extra ioredis options (Bull's blocking clients need `maxRetriesPerRequest: null`). */
  overrides?: RedisOptions;
  /** Record each command's latency in redis_command_duration_seconds (see RedisConnections.get). */
  timeCommands?: boolean;
}

/** Reconnect delay: 100 ms, 200 ms, … capped at 3 s; never give up (Redis may come back). */
export function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 3000);
}

/**
 * The one place that creates ioredis clients: named, with a bounded reconnect back-off and errors
 * logged instead of crashing the process.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const logger = new Logger(`Redis:${options.name}`);
  const client = new Redis(url, {
    connectionName: options.name,
    keyPrefix: options.keyPrefix,
    retryStrategy: reconnectDelay,
    connectTimeout: 5000,
    // A stream still connecting at shutdown is destroyed after this (default 2 s keeps processes alive).
    disconnectTimeout: 200,
    maxRetriesPerRequest: 3,
    ...options.overrides,
  });
  if (options.timeCommands) timeRedisCommands(client);
  let lastError = '';
  client.on('error', (err: Error) => {
    // A down Redis emits the same error on every retry; log each distinct error once.
    if (err.message !== lastError) logger.warn(`Redis error: ${err.message}`);
    lastError = err.message;
  });
  client.on('ready', () => {
    if (lastError) logger.log('Redis connection restored');
    lastError = '';
  });
  return client;
}

/** Closes a client without hanging on a Redis that is down (QUIT would wait for a reply). */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  // A client still connecting holds the commands queued meanwhile (Bull's set-up, when an app fails to
  // boot): let it connect, briefly, so QUIT follows them instead of failing them ("Connection is closed",
  // which nobody awaits). A Redis that is down ('reconnecting') is not waited for.
  if (client.status === 'wait' || client.status === 'connecting' || client.status === 'connect') {
    await Promise.race([once(client, 'ready').catch(() => undefined), delay(1000)]);
  }
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([
    client.quit().catch(() => client.disconnect()),
    delay(1000).then(() => client.disconnect()),
  ]);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Bull loses jobs when Redis evicts keys, so workers refuse to start under any policy other than
 * noeviction.
 */
export async function assertNoEviction(client: Redis): Promise<void> {
  const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1];
  if (policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; queues need "noeviction" (set it with ` +
        '`CONFIG SET maxmemory-policy noeviction` or in redis.conf), otherwise Redis may drop queued jobs.',
    );
  }
}
