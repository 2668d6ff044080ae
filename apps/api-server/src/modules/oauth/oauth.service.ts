import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, verifyToken, type AccessTokenClaims, type AuthOptions } from '@ppt/auth';
import { serviceUnavailable } from '@ppt/observability';
import type { IntrospectionResponse } from '../auth/dto/auth.response';
import { AuthError, AuthErrorCode } from '../auth/auth.errors';
import { Passwords } from '../users/passwords';
import { SessionStore } from '../sessions/session-store';
import { TokenIssuer } from '../auth/token-issuer';
import { PasswordDoor, PasswordDoors } from '../auth/password-doors';
import type { OAuthTokenResponse } from './dto/oauth.dto';
import { OAuthClientsRepository } from './oauth-clients.repository';

export const INTROSPECT_SCOPE = 'sso:introspect';

/** OAuth 2.0 client credentials (RFC 6749 §4.4) and token introspection (RFC 7662). */
@Injectable()
export class OAuthService {
  constructor(
    private readonly clients: OAuthClientsRepository,
    private readonly passwords: Passwords,
    private readonly tokens: TokenIssuer,
    private readonly sessions: SessionStore,
    private readonly doors: PasswordDoors,
    @Inject(AUTH_OPTIONS) private readonly authOptions: AuthOptions,
  ) {}

  async clientCredentials(
    clientId: string | undefined,
    secret: string | undefined,
    requestedScope: string | undefined,
    ip: string | null,
  ): Promise<OAuthTokenResponse> {
    // Limited per (client id, IP) and per IP, like every door that checks a secret.
    await this.doors.check(PasswordDoor.OAuthToken, clientId ?? '', ip);
    const found = clientId ? await this.clients.findByClientId(clientId) : null;
    const client = found && !found.disabledAt ? found : null;
    // An unknown or disabled client is refused without an argon2 run: client ids are not secrets
    // (unlike e-mail addresses), so the timing difference tells an attacker nothing worth hiding.
    if (!client || !(await this.passwords.verify(client.secretHash, secret ?? ''))) {
      await this.doors.failed(PasswordDoor.OAuthToken, clientId ?? '', ip);
      throw new AuthError(AuthErrorCode.InvalidClient, 'Client authentication failed');
    }
    await this.doors.succeeded(PasswordDoor.OAuthToken, clientId ?? '', ip);
    const requested = requestedScope ? requestedScope.split(' ') : client.scopes;
    const unknown = requested.filter((s) => !client.scopes.includes(s));
    if (unknown.length)
      throw new AuthError(
        AuthErrorCode.InvalidScope,
        `Scope not granted to this client: ${unknown.join(' ')}`,
      );
    const issued = this.tokens.forService(client.clientId, requested);
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: requested.join(' '),
    };
  }

  /**
   * `active: false` for anything not currently valid: bad signature, expired, or an ended session.
   * Not knowing is not "inactive": when the session state cannot be read, 503, so the portal answers
   * 503 too instead of signing the visitor out (and caching that).
   */
  async introspect(token: string): Promise<IntrospectionResponse> {
    let claims: AccessTokenClaims;
    try {
      claims = await verifyToken(token, this.authOptions);
    } catch {
      return { active: false };
    }
    if (claims.typ !== 'access') {
      return {
        active: true,
        sub: claims.sub,
        client_id: claims.sub,
        scope: claims.scope ?? '',
        exp: claims.exp,
        iat: claims.iat,
        token_type: 'Bearer',
        iss: claims.iss,
        aud: claims.aud,
      };
    }
    if (!claims.sid || !(await this.sessionActive(claims.sid))) return { active: false };
    return {
      active: true,
      sub: claims.sub,
      org: claims.org ?? null,
      role: claims.role ?? null,
      sid: claims.sid,
      exp: claims.exp,
      iat: claims.iat,
      scope: '',
      token_type: 'Bearer',
      iss: claims.iss,
      aud: claims.aud,
    };
  }

  private async sessionActive(sessionId: string): Promise<boolean> {
    try {
      return await this.sessions.isActive(sessionId);
    } catch {
      throw serviceUnavailable('Session state cannot be read right now; try again shortly');
    }
  }
}
