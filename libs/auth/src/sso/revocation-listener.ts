import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '@ppt/redis';
import { IntrospectionCache } from './introspection-cache';

/** api-server publishes the id of every session that ends here (see its SessionStore). */
export const SESSION_REVOKED_CHANNEL = 'auth:session-revoked';

/**
 * Listens for ended sessions and drops their cached answers, so a logout on api-server stops the
 * token on the portal within milliseconds instead of when the cache entry expires.
 */
@Injectable()
export class RevocationListener implements OnModuleInit {
  private readonly logger = new Logger('SsoRevocations');

  constructor(
    private readonly connections: RedisConnections,
    private readonly cache: IntrospectionCache,
  ) {}

  onModuleInit(): void {
    // Pub/sub channels are not keys: ioredis does not prefix them, so the prefix is spelled out.
    const channel = `${this.connections.keyPrefix}${SESSION_REVOKED_CHANNEL}`;
    const subscriber = this.connections.create('sso-revocations');
    let subscribedBefore = false;
    subscriber.on('ready', () => {
      // ioredis re-subscribes after a reconnect; what was published in between is lost.
      if (subscribedBefore) {
        this.logger.warn('Revocation channel reconnected; clearing the in-process SSO cache');
        this.cache.clearMemory();
      }
      subscribedBefore = true;
    });
    subscriber.on('message', (_channel: string, sessionId: string) => {
      this.cache
        .dropSession(sessionId)
        .catch((err: Error) => this.logger.warn(`Could not drop session: ${err.message}`));
    });
    // Not awaited: the portal boots (public routes work) while Redis is still unreachable.
    subscriber
      .subscribe(channel)
      .catch((err: Error) => this.logger.warn(`Could not subscribe to ${channel}: ${err.message}`));
  }
}
