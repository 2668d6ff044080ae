import { Logger } from '@nestjs/common';
import type { RedisConnections } from '@ppt/redis';
import type Redis from 'ioredis';

/**
 * api-server publishes the id of every session that ends here (its SessionStore). Pub/sub channels
 * are not keys: ioredis does not prefix them, so the key prefix is part of the channel name.
 */
export const SESSION_REVOKED_CHANNEL = 'auth:session-revoked';

export function sessionRevokedChannel(connections: RedisConnections): string {
  return `${connections.keyPrefix}${SESSION_REVOKED_CHANNEL}`;
}

/**
 * Published (message `<session id> <generation> <ms it expires>`) when a live session's generation
 * moves on (organisation switch, role change): its earlier access tokens stop working everywhere.
 */
export const SESSION_CHANGED_CHANNEL = 'auth:session-changed';

export function sessionChangedChannel(connections: RedisConnections): string {
  return `${connections.keyPrefix}${SESSION_CHANGED_CHANNEL}`;
}

export interface SessionRevocationHandlers {
  /** A session ended. Without it, only the `alsoListen` channels are subscribed to. */
  revoked?(sessionId: string): void;
  /**
   * The subscription is confirmed by Redis; `again` after a reconnect, when whatever was published
   * while the connection was down has been lost.
   */
  subscribed(again: boolean): void;
  /** The connection dropped: revocations are missed until `subscribed` is called again. */
  lost?(): void;
  /**
   * Further channels (full names) heard on the same connection and subscription, so one
   * confirmation, and one `lost`, covers them all.
   */
  alsoListen?: Record<string, (message: string) => void>;
}

/** One listener's part of a shared subscription. */
interface Listener {
  logger: Logger;
  handlers: SessionRevocationHandlers;
  channels: string[];
  others: Record<string, (message: string) => void>;
  /** Whether a subscription covering this listener's channels has been confirmed before. */
  subscribedBefore: boolean;
}

/**
 * The process' one revocation subscriber per set of connections: every listener (the session store,
 * the client status, the SSO cache, the realtime hub) hears its channels on the same connection, so a
 * process holds one subscription per channel (PUBSUB NUMSUB counts processes, not listeners) and
 * one Redis connection for all of them.
 */
class SharedSubscription {
  private readonly listeners: Listener[] = [];
  private readonly logger = new Logger('SessionRevocations');
  private connected = false;
  private ready = false;

  constructor(
    readonly subscriber: Redis,
    revokedChannel: string,
  ) {
    subscriber.on('ready', () => {
      this.connected = true;
      this.ready = true;
      const listeners = [...this.listeners];
      if (listeners.some((l) => l.subscribedBefore))
        this.logger.warn(`${revokedChannel} reconnected; revocations published meanwhile were missed`);
      this.subscribe(listeners);
    });
    subscriber.on('close', () => {
      this.ready = false;
      if (!this.connected) return;
      this.connected = false;
      for (const listener of this.listeners) listener.handlers.lost?.();
    });
    subscriber.on('message', (from: string, message: string) => {
      for (const listener of this.listeners) {
        try {
          if (from === revokedChannel) listener.handlers.revoked?.(message);
          else listener.others[from]?.(message);
        } catch (err) {
          // Thrown inside ioredis' event handler it would be uncaught: one bad message must not end the process.
          listener.logger.error(`Could not handle a message on ${from}: ${(err as Error).message}`);
        }
      }
    });
  }

  /** Joins a listener; subscribed at once when the connection is up, else on its next `ready`. */
  add(listener: Listener): void {
    this.listeners.push(listener);
    if (this.ready) this.subscribe([listener]);
  }

  /** SUBSCRIBEs the listeners' channels; its reply confirms each of them (`again` if it was before). */
  private subscribe(listeners: Listener[]): void {
    const channels = [...new Set(listeners.flatMap((l) => l.channels))];
    if (channels.length === 0) return;
    this.subscriber.subscribe(...channels).then(
      () => {
        for (const listener of listeners) {
          listener.handlers.subscribed(listener.subscribedBefore);
          listener.subscribedBefore = true;
        }
      },
      (err: Error) => this.logger.warn(`Could not subscribe to ${channels.join(', ')}: ${err.message}`),
    );
  }
}

const shared = new WeakMap<RedisConnections, SharedSubscription>();

/**
 * Subscribes to session revocations on the process' revocation connection (one per
 * RedisConnections, shared by every listener, closed with the others at shutdown). Not awaited by
 * callers: a process boots while Redis is still unreachable, and ioredis keeps reconnecting.
 *
 * Every time the connection becomes ready this SUBSCRIBEs itself (ioredis' own re-subscription is
 * off): its reply is the confirmation `subscribed` needs, a subscription that failed while Redis was
 * down at boot is retried, and ioredis would leave the rejection of its own re-subscription
 * unhandled when the connection closes before Redis answers.
 */
export function listenForSessionRevocations(
  connections: RedisConnections,
  name: string,
  handlers: SessionRevocationHandlers,
): void {
  const channel = sessionRevokedChannel(connections);
  const others = handlers.alsoListen ?? {};
  let subscription = shared.get(connections);
  if (!subscription || subscription.subscriber.status === 'end') {
    subscription = new SharedSubscription(
      connections.create('session-revocations', { autoResubscribe: false }),
      channel,
    );
    shared.set(connections, subscription);
  }
  subscription.add({
    logger: new Logger(name),
    handlers,
    channels: [...(handlers.revoked ? [channel] : []), ...Object.keys(others)],
    others,
    subscribedBefore: false,
  });
}
