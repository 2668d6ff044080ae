import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthOptions, SessionValidator } from './auth.options';
import { AUTH_OPTIONS, SESSION_VALIDATOR } from './auth.tokens';
import type { AccessTokenClaims, Principal } from './principal';

/** Why a syntactically valid token was still refused (becomes the 401 message). */
export class TokenRejected extends Error {}

/**
 * Verifies bearer tokens: RS256 only (no `none`, no HS256 keyed with the public key), the key picked
 * by `kid` from already-imported keys, `iss`, `aud`, `exp` and `nbf` checked, then — for user
 * tokens — the session must still be active, so logout and revocation take effect at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    @Inject(SESSION_VALIDATOR) private readonly sessions: SessionValidator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, key?: string) => void) => {
        const header = decode(rawToken, { complete: true })?.header;
        Promise.resolve(options.resolveKey(header?.kid)).then(
          // jsonwebtoken verifies with a KeyObject (imported once); the typings only list string/Buffer.
          (key) =>
            key ? done(null, key as unknown as string) : done(new TokenRejected('unknown signing key')),
          (err: unknown) => done(err),
        );
      },
    });
  }

  async validate(claims: AccessTokenClaims): Promise<Principal> {
    if (claims.typ === 'service') {
      return {
        kind: 'service',
        clientId: claims.sub,
        scopes: (claims.scope ?? '').split(' ').filter(Boolean),
      };
    }
    if (claims.typ !== 'access' || !claims.sid) throw new TokenRejected('not an access token');
    if (!(await this.sessions.isActive(claims.sid))) throw new TokenRejected('the session has ended');
    return {
      kind: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      organizationId: claims.org ?? null,
      role: claims.role ?? null,
      platformAdmin: claims.padm === true,
    };
  }
}
