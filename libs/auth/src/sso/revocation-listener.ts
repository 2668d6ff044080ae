import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '@ppt/redis';
import { listenForSessionRevocations } from '../session-revocations';
import { IntrospectionCache } from './introspection-cache';

/**
 * Listens for ended sessions and drops their cached answers, so a logout on api-server stops the
 * token on the portal within milliseconds instead of when the cache entry expires. After a
 * reconnect the in-process answers are forgotten (some revocations may have been missed).
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
      subscribed: (again) => {
        if (again) this.cache.clearMemory();
      },
    });
  }
}
