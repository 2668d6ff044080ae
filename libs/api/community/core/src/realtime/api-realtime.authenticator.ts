import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, verifyToken, type AuthOptions } from '@ppt/auth';
import type { RealtimeAuthenticator, RealtimeIdentity } from '@ppt/realtime';
import { SessionStore } from '@ppt/api-identity-core';

/**
 * The same checks as the bearer strategy on HTTP routes: RS256 access token of ours (typ, kid, iss,
 * aud, exp, nbf), a user token whose session is active and of its current generation.
 */
@Injectable()
export class ApiRealtimeAuthenticator implements RealtimeAuthenticator {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly sessions: SessionStore,
  ) {}

  async authenticate(token: string): Promise<RealtimeIdentity> {
    let claims;
    try {
      claims = await verifyToken(token, this.options);
    } catch {
      throw new Error('invalid token');
    }
    if (claims.typ !== 'access' || !claims.sid) throw new Error('not a user access token');
    const generation = claims.gen ?? 0;
    if (!(await this.sessions.isActive(claims.sid, generation))) throw new Error('the session has ended or changed');
    return {
      userId: claims.sub,
      sessionId: claims.sid,
      generation,
      organizationId: claims.org ?? null,
      role: claims.role ?? null,
      expiresAt: claims.exp * 1000,
    };
  }

  stillActive(identity: RealtimeIdentity): Promise<boolean> {
    return this.sessions.isActive(identity.sessionId, identity.generation);
  }
}
