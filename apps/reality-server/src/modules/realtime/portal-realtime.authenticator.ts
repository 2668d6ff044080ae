import { Injectable } from '@nestjs/common';
import { SsoAuthenticator } from '@ppt/auth';
import type { RealtimeAuthenticator, RealtimeIdentity } from '@ppt/realtime';
import { decode } from 'jsonwebtoken';

/**
 * A signed-in visitor, exactly as on the portal's HTTP routes (signature and claims here, the session
 * confirmed by api-server's introspection, cached); expiry and generation are read from the token the
 * authenticator has just accepted.
 */
@Injectable()
export class PortalRealtimeAuthenticator implements RealtimeAuthenticator {
  constructor(private readonly sso: SsoAuthenticator) {}

  async authenticate(token: string): Promise<RealtimeIdentity> {
    const visitor = await this.sso.authenticate(token);
    const claims = decode(token, { json: true }) ?? {};
    return {
      userId: visitor.userId,
      sessionId: visitor.sessionId,
      generation: typeof claims['gen'] === 'number' ? claims['gen'] : 0,
      organizationId: visitor.organizationId ?? null,
      role: visitor.role ?? null,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 15 * 60_000,
    };
  }
}
