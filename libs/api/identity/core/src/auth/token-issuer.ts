import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TYPE, SigningKeys, type AccessTokenClaims } from '@ppt/auth';
import type { MembershipRole } from '@ppt/db';
import { sign } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { IdentityEnv } from '../identity.env';

/** `client_id` of users' tokens: the platform's own apps, which sign in through /auth/login. */
export const FIRST_PARTY_CLIENT_ID = 'ppt-app';

export interface IssuedAccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** The session a user's token belongs to, and what the token claims of it. */
export interface TokenSession {
  id: string;
  generation: number;
  organizationId: string | null;
  role: MembershipRole | null;
}

/**
 * Signs RS256 access tokens per RFC 9068 (JOSE `typ: at+jwt`; `iss`, `sub`, `aud`, `exp`, `iat`,
 * `jti`, `client_id`) for users (audiences: api-server and the portal) and for services (client
 * credentials; api-server only), with the current key.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly keys: SigningKeys,
  ) {}

  forUser(user: { id: string; isPlatformAdmin: boolean }, session: TokenSession): IssuedAccessToken {
    const claims: Partial<AccessTokenClaims> = {
      typ: 'access',
      client_id: FIRST_PARTY_CLIENT_ID,
      sid: session.id,
      gen: session.generation,
      org: session.organizationId,
      role: session.role,
    };
    if (user.isPlatformAdmin) claims.padm = true;
    return this.issue(
      user.id,
      [this.env.AUTH_AUDIENCE, this.env.AUTH_PORTAL_AUDIENCE],
      claims,
      this.env.AUTH_ACCESS_TOKEN_TTL_S,
    );
  }

  forService(clientId: string, scopes: string[]): IssuedAccessToken {
    return this.issue(
      clientId,
      this.env.AUTH_AUDIENCE,
      { typ: 'service', client_id: clientId, scope: scopes.join(' ') },
      this.env.AUTH_SERVICE_TOKEN_TTL_S,
    );
  }

  private issue(
    subject: string,
    audience: string | string[],
    claims: Partial<AccessTokenClaims>,
    ttl: number,
  ): IssuedAccessToken {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = sign({ ...claims, nbf: now }, this.keys.privateKey, {
      algorithm: 'RS256',
      keyid: this.keys.kid,
      header: { alg: 'RS256', typ: ACCESS_TOKEN_TYPE },
      issuer: this.env.AUTH_ISSUER,
      audience,
      subject,
      expiresIn: ttl,
      jwtid: randomUUID(),
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
