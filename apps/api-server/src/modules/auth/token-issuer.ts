import { Inject, Injectable } from '@nestjs/common';
import { SigningKeys, type AccessTokenClaims } from '@ppt/auth';
import type { MembershipRole } from '@ppt/db';
import { sign } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { ApiServerEnv } from '../../api-server.env';

export interface IssuedAccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Signs RS256 access tokens (users) and service tokens (client credentials) with the current key. */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(ApiServerEnv) private readonly env: ApiServerEnv,
    private readonly keys: SigningKeys,
  ) {}

  forUser(
    user: { id: string; isPlatformAdmin: boolean },
    sessionId: string,
    organizationId: string | null,
    role: MembershipRole | null,
  ): IssuedAccessToken {
    const claims: Partial<AccessTokenClaims> = { typ: 'access', sid: sessionId, org: organizationId, role };
    if (user.isPlatformAdmin) claims.padm = true;
    return this.issue(user.id, claims, this.env.AUTH_ACCESS_TOKEN_TTL_S);
  }

  forService(clientId: string, scopes: string[]): IssuedAccessToken {
    return this.issue(
      clientId,
      { typ: 'service', scope: scopes.join(' ') },
      this.env.AUTH_SERVICE_TOKEN_TTL_S,
    );
  }

  private issue(subject: string, claims: Partial<AccessTokenClaims>, ttl: number): IssuedAccessToken {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = sign({ ...claims, nbf: now }, this.keys.privateKey, {
      algorithm: 'RS256',
      keyid: this.keys.kid,
      issuer: this.env.AUTH_ISSUER,
      audience: this.env.AUTH_AUDIENCE,
      subject,
      expiresIn: ttl,
      jwtid: randomUUID(),
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
