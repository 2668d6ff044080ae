import { Logger } from '@nestjs/common';
import type { RedisConnections } from '@ppt/redis';

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

/**
 * Subscribes to session revocations on a connection of its own (closed with the others at
 * shutdown). Not awaited by callers: a process boots while Redis is still unreachable, and ioredis
 * keeps reconnecting.
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
  const logger = new Logger(name);
  const channel = sessionRevokedChannel(connections);
  const others = handlers.alsoListen ?? {};
  const channels = [...(handlers.revoked ? [channel] : []), ...Object.keys(others)];
  const subscriber = connections.create(name, { autoResubscribe: false });
  let subscribedBefore = false;
  let connected = false;
  subscriber.on('ready', () => {
    connected = true;
    if (subscribedBefore) logger.warn(`${channel} reconnected; revocations published meanwhile were missed`);
    subscriber.subscribe(...channels).then(
      () => {
        handlers.subscribed(subscribedBefore);
        subscribedBefore = true;
      },
      (err: Error) => logger.warn(`Could not subscribe to ${channels.join(', ')}: ${err.message}`),
    );
  });
  subscriber.on('close', () => {
    if (!connected) return;
    connected = false;
    handlers.lost?.();
  });
  subscriber.on('message', (from: string, message: string) => {
    try {
      if (from === channel) handlers.revoked?.(message);
      else others[from]?.(message);
    } catch (err) {
      // Thrown inside ioredis' event handler it would be uncaught: one bad message must not end the process.
      logger.error(`Could not handle a message on ${from}: ${(err as Error).message}`);
    }
  });
}
