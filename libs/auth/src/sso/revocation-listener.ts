import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '@ppt/redis';
import { listenForSessionRevocations, sessionChangedChannel } from '../session-revocations';
import { IntrospectionCache } from './introspection-cache';

/**
 * Listens for ended sessions and drops their cached answers, for sessions whose generation moved on
 * (their earlier tokens' answers are dropped too), and for the answers other replicas
 * announce (on the same subscription, so one confirmation vouches for both), so a logout on api-server stops the
 * token on the portal within milliseconds instead of when the cache entry expires. While it is not
 * subscribed (revocations may be missed), and for answers obtained before the subscription was
 * confirmed again, the cache trusts no active answer: see IntrospectionCache.
 */
@Injectable()
export class RevocationListener implements OnModuleInit {
  constructor(
    private readonly connections: RedisConnections,
    private readonly cache: IntrospectionCache,
  ) {}

  onModuleInit(): void {
    listenForSessionRevocations(this.connections, 'SsoRevocations', {
      revoked: (sessionId) => {
        this.cache.dropSession(sessionId).catch(() => undefined); // dropSession logs its own failures
      },
      subscribed: () => this.cache.subscribed(),
      lost: () => this.cache.unsubscribed(),
      alsoListen: {
        [this.cache.answersChannel]: (message) => this.cache.heard(message),
        // `<session id> <generation> <ms it expires>`: the session's earlier tokens stopped working.
        [sessionChangedChannel(this.connections)]: (message) => {
          const sessionId = message.split(' ')[0];
          if (sessionId) this.cache.sessionChanged(sessionId).catch(() => undefined); // logs its own failures
        },
      },
    });
  }
}
