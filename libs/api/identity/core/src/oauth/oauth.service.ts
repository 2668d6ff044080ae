import { Inject, Injectable } from '@nestjs/common';
import {
  AUTH_OPTIONS,
  verifyToken,
  type AccessTokenClaims,
  type AuthOptions,
  type UserPrincipal,
} from '@ppt/auth';
import type { OAuthClient } from '@ppt/api-db';
import { serviceUnavailable } from '@ppt/observability';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import type { IntrospectionResponse } from '../auth/dto/auth.response';
import { sha256 } from '../auth/opaque-token';
import { FIRST_PARTY_CLIENT_ID, TokenIssuer } from '../auth/token-issuer';
import { SessionStore } from '../sessions/session-store';
import { PasswordDoor, PasswordDoors } from '../auth/password-doors';
import { SessionsRepository } from '../sessions/sessions.repository';
import { Passwords } from '../users/passwords';
import type { OAuthTokenResponse } from './dto/oauth.dto';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { OAuthError } from './oauth.errors';
import { ServiceClientStatus } from './service-client-status';

export const INTROSPECT_SCOPE = 'sso:introspect';

/** What a client presented to authenticate itself (HTTP Basic or the body, never both). */
export interface ClientCredentials {
  clientId?: string;
  secret?: string;
  basicUsed: boolean;
}

export type TokenTypeHint = 'access_token' | 'refresh_token';

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4), token revocation (RFC 7009), token introspection
 * (RFC 7662), and disabling service clients.
 */
@Injectable()
export class OAuthService {
  constructor(
    private readonly clients: OAuthClientsRepository,
    private readonly clientStatus: ServiceClientStatus,
    private readonly passwords: Passwords,
    private readonly tokens: TokenIssuer,
    private readonly sessions: SessionStore,
    private readonly sessionsRepository: SessionsRepository,
    private readonly audit: AuditService,
    private readonly doors: PasswordDoors,
    @Inject(AUTH_OPTIONS) private readonly authOptions: AuthOptions,
  ) {}

  async clientCredentials(
    credentials: ClientCredentials,
    requestedScope: string | undefined,
    ip: string | null,
  ): Promise<OAuthTokenResponse> {
    const client = await this.authenticate(credentials, ip);
    const requested = requestedScope ? requestedScope.split(' ') : client.scopes;
    const unknown = requested.filter((s) => !client.scopes.includes(s));
    if (unknown.length)
      throw new OAuthError('invalid_scope', `Scope not granted to this client: ${unknown.join(' ')}`);
    const issued = this.tokens.forService(client.clientId, requested);
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: requested.join(' '),
    };
  }

  /**
   * RFC 7009. A user's refresh or access token (issued to the platform's own apps, a public client
   * that names itself with `client_id` alone) ends its session, so every token of it stops working at
   * once. A token unknown, expired or issued to another client is left alone and answered alike
   * (200): the answer tells nothing about tokens. A service's own access token cannot be revoked on
   * its own (`unsupported_token_type`): it expires within AUTH_SERVICE_TOKEN_TTL_S, and disabling the
   * client ends all of them.
   */
  async revoke(
    credentials: ClientCredentials,
    token: string,
    hint: TokenTypeHint | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    const firstParty =
      credentials.clientId === FIRST_PARTY_CLIENT_ID &&
      credentials.secret === undefined &&
      !credentials.basicUsed;
    // The public client proves nothing, and each request costs a lookup and a signature check:
    // its revocations count against the address's budget like any door.
    if (firstParty) await this.doors.check(PasswordDoor.TokenRevocation, null, meta.ip);
    const client = firstParty ? null : await this.authenticate(credentials, meta.ip);
    const order =
      hint === 'access_token'
        ? [this.revokeAccess, this.revokeRefresh]
        : [this.revokeRefresh, this.revokeAccess];
    for (const attempt of order) {
      if (await attempt.call(this, token, client, meta)) return;
    }
  }

  /** true when the token is one of ours (whether or not this client could revoke it). */
  private async revokeRefresh(
    token: string,
    client: OAuthClient | null,
    meta: RequestMeta,
  ): Promise<boolean> {
    const stored = await this.sessionsRepository.findRefreshToken(sha256(token));
    if (!stored) return false;
    if (client === null) await this.endSession({ id: stored.sessionId }, meta);
    return true;
  }

  private async revokeAccess(token: string, client: OAuthClient | null, meta: RequestMeta): Promise<boolean> {
    let claims: AccessTokenClaims;
    try {
      claims = await verifyToken(token, this.authOptions);
    } catch {
      return false;
    }
    if (claims.typ === 'service') {
      if (client?.clientId === claims.sub)
        throw new OAuthError(
          'unsupported_token_type',
          'A service token cannot be revoked; it expires by itself',
        );
      return true;
    }
    if (client === null && claims.sid) await this.endSession({ id: claims.sid, userId: claims.sub }, meta);
    return true;
  }

  private async endSession(where: { id: string; userId?: string }, meta: RequestMeta): Promise<void> {
    const ended = await this.sessions.revoke(where, 'revoked_by_client');
    for (const id of ended) {
      await this.audit.record(
        {
          action: 'auth.session_revoked',
          actorClientId: FIRST_PARTY_CLIENT_ID,
          entityType: 'session',
          entityId: id,
          details: { via: 'oauth_revoke' },
        },
        meta,
      );
    }
  }

  /**
   * `active: false` for anything not currently valid: bad signature, expired, an ended or changed
   * session, a disabled client, a refresh token (services are told nothing about those). Not knowing
   * is not "inactive": when the session state cannot be read, 503, so the portal answers 503 too
   * instead of signing the visitor out (and caching that).
   */
  async introspect(token: string): Promise<IntrospectionResponse> {
    let claims: AccessTokenClaims;
    try {
      claims = await verifyToken(token, this.authOptions);
    } catch {
      return { active: false };
    }
    if (claims.typ !== 'access') {
      if (!(await this.clientStatus.isEnabled(claims.sub))) return { active: false };
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
    if (!claims.sid || !(await this.sessionActive(claims.sid, claims.gen ?? 0))) return { active: false };
    return {
      active: true,
      // No client_id: the portal reads one as the mark of a service token, never a visitor's.
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

  /** Disables a service client: its tokens are refused at once by every process. */
  async disableClient(actor: UserPrincipal, clientId: string, meta: RequestMeta): Promise<boolean> {
    return this.clients.transaction(async (manager) => {
      if (!(await this.clientStatus.disable(clientId, manager))) return false;
      await this.audit.record(
        {
          action: 'oauth_client.disabled',
          actorUserId: actor.userId,
          entityType: 'oauth_client',
          entityId: clientId,
        },
        meta,
        manager,
      );
      return true;
    });
  }

  /** Verifies the secret even for an unknown client id, so timing does not reveal which ids exist. */
  /** Limited per (client id, IP) and per IP, like every door that checks a secret. */
  private async authenticate(credentials: ClientCredentials, ip: string | null): Promise<OAuthClient> {
    const { clientId, secret, basicUsed } = credentials;
    await this.doors.check(PasswordDoor.OAuthToken, clientId ?? '', ip);
    const found = clientId ? await this.clients.findByClientId(clientId) : null;
    const client = found && !found.disabledAt ? found : null;
    // An unknown or disabled client is refused without an argon2 run: client ids are not secrets
    // (unlike e-mail addresses), so the timing difference tells an attacker nothing worth hiding.
    if (!client || !(await this.passwords.verify(client.secretHash, secret ?? ''))) {
      await this.doors.failed(PasswordDoor.OAuthToken, clientId ?? '', ip);
      throw new OAuthError('invalid_client', 'Client authentication failed', basicUsed);
    }
    await this.doors.succeeded(PasswordDoor.OAuthToken, clientId ?? '', ip);
    return client;
  }

  private async sessionActive(sessionId: string, generation: number): Promise<boolean> {
    try {
      return await this.sessions.isActive(sessionId, generation);
    } catch {
      throw serviceUnavailable('Session state cannot be read right now; try again shortly');
    }
  }
}
