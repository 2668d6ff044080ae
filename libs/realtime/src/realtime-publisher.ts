import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '@ppt/redis';
import { randomUUID } from 'node:crypto';
import { directChannel } from './realtime-hub';
import { roomName } from './protocol';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime.tokens';

/**
 * Events an app's services send straight to rooms (the portal has no outbox relay): published on the
 * app's direct channel, which every instance's gateway hears. Call it after the change has
 * committed. Best effort: while Redis is down the live update is lost (logged), the change itself is
 * not, and the client's next load shows it.
 */
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
    private readonly redis: RedisConnections,
  ) {
    this.client(); // connects now, so the first publish does not wait for the connection
  }

  /** While Redis is down a publish gives up after 2 s instead of holding the request. */
  private client() {
    return this.redis.get('realtime-publisher', { raw: true, commandTimeout: 2000, maxRetriesPerRequest: 1 });
  }

  async toUser(userId: string, type: string, payload: Record<string, unknown>): Promise<void> {
    const event = { id: randomUUID(), type, payload, occurredAt: new Date().toISOString() };
    try {
      await this.client().publish(
          directChannel(this.redis.keyPrefix, this.options.app),
          JSON.stringify({ rooms: [roomName('user', userId)], event }),
        );
    } catch (err) {
      this.logger.warn(`Could not publish ${type} for a visitor: ${(err as Error).message}`);
    }
  }
}
