import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthOptions, ServiceClientValidator, SessionValidator } from './auth.options';
import { AUTH_OPTIONS, SERVICE_CLIENT_VALIDATOR, SESSION_VALIDATOR } from './auth.tokens';
import { ACCESS_TOKEN_TYPE, CLOCK_TOLERANCE_S } from './bearer-challenge';
import type { AccessTokenClaims, Principal } from './principal';

/** Why a syntactically valid token was still refused (becomes the 401 message). */
export class TokenRejected extends Error {}

/**
 * Verifies bearer tokens: RS256 only (no `none`, no HS256 keyed with the public key), JOSE `typ`
 * `at+jwt` (RFC 9068: an ID token or other JWT signed by the same key is not an access token), the key
 * picked by `kid` from already-imported keys, `iss`, `aud`, `exp` and `nbf` checked (5 s leeway), then
 * — for user tokens — the session must still be active and the token of its current generation, and —
 * for service tokens — the client must not have been disabled, so logout, revocation, a switch of
 * organisation, a role change and a disabled client take effect at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    @Inject(SESSION_VALIDATOR) private readonly sessions: SessionValidator,
    @Inject(SERVICE_CLIENT_VALIDATOR) private readonly clients: ServiceClientValidator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_S },
      secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, key?: string) => void) => {
        const header = decode(rawToken, { complete: true })?.header;
        if (header && header.typ !== ACCESS_TOKEN_TYPE) return done(new TokenRejected('not an access token'));
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
      if (!(await this.clients.isEnabled(claims.sub))) throw new TokenRejected('the client is disabled');
      return {
        kind: 'service',
        clientId: claims.sub,
        scopes: (claims.scope ?? '').split(' ').filter(Boolean),
      };
    }
    if (claims.typ !== 'access' || !claims.sid) throw new TokenRejected('not an access token');
    if (!(await this.sessions.isActive(claims.sid, claims.gen ?? 0)))
      throw new TokenRejected('the session has ended or changed');
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
