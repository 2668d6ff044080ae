import { Inject, Injectable } from '@nestjs/common';
import { decode, TokenExpiredError, verify, type JwtPayload } from 'jsonwebtoken';
import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_TYPE } from '../bearer-challenge';
import type { AccessTokenClaims } from '../principal';
import { IdentityProviderClient, type IntrospectionAnswer } from './identity-provider.client';
import {
  answerFits,
  IntrospectionCache,
  type CacheLookup,
  type CachedAnswer,
  type TokenBinding,
} from './introspection-cache';
import { JwksKeys } from './jwks-keys';
import { IdentityProviderUnavailable, InvalidToken, ssoUnavailable, unauthorized } from './sso.errors';
import { ssoValidationDuration, ssoValidations, type SsoResult } from './sso.metrics';
import { SSO_OPTIONS, type ResolvedSsoOptions } from './sso.options';
import { cacheTtlSeconds } from './ttl';
import type { VisitorPrincipal } from './visitor';

/** Our access tokens are well under 2 kB; anything far larger is not worth decoding. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Turns a bearer token into a portal visitor: the signature and claims are checked locally first
 * (garbage never reaches api-server), then the session is confirmed by api-server's introspection,
 * whose answer is cached until the token expires or the session is revoked.
 */
@Injectable()
export class SsoAuthenticator {
  /** Concurrent requests with the same uncached token share one introspection. */
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();

  constructor(
    @Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions,
    private readonly keys: JwksKeys,
    private readonly provider: IdentityProviderClient,
    private readonly cache: IntrospectionCache,
  ) {}

  /** The visitor, or an AppError: 401 for a token we do not accept, 503 when api-server cannot be asked. */
  async authenticate(token: string): Promise<VisitorPrincipal> {
    const stopTimer = ssoValidationDuration.startTimer();
    let result: SsoResult = 'invalid';
    try {
      const hash = createHash('sha256').update(token).digest('base64url');
      // Fast path: this very token passed the signature and claims checks in this process (an
      // answer another replica announced is served here only after that), and the entry expires no
      // later than the token. Revocations drop it; only answers obtained while this replica hears
      // them are returned.
      const known = this.options.cacheTtlS > 0 ? this.cache.getLocal(hash) : undefined;
      if (known?.active && !this.cache.isEnded(known.sessionId)) {
        result = 'hit';
        return toVisitor(known);
      }
      const kid = keyIdOf(token);
      // The shared cache is asked while the signature is checked, so a Redis round trip (when the
      // cache needs one, see IntrospectionCache) and the RSA verification overlap. Only a
      // well-formed RS256 token gets this far, and what Redis holds under its hash was written after
      // this very token passed these checks.
      const readsRedis = this.options.cacheTtlS > 0 && this.cache.redisMayKnowMore();
      const lookup = this.options.cacheTtlS > 0 ? this.cache.lookup(hash) : undefined;
      const claims = await this.verifyLocally(token, kid);
      if (this.cache.isEnded(claims.sid)) throw new InvalidToken('the session has ended');
      const binding: TokenBinding = { sub: claims.sub, sid: claims.sid, exp: claims.exp };
      // Whatever a cache holds counts only for the very user, session and expiry of this token.
      const cached = fitting(await lookup, binding);
      let answer: CachedAnswer;
      if (cached?.trusted) {
        answer = cached.answer;
        result = 'hit';
        this.cache.checked(hash, binding); // from now on the fast path above
      } else {
        try {
          answer = await this.introspect(hash, token, claims);
          result = 'miss';
        } catch (err) {
          if (!(err instanceof IdentityProviderUnavailable) || this.options.cacheTtlS <= 0) throw err;
          // api-server cannot be asked: an answer that may have missed a revocation beats a 503,
          // wherever it is cached (Redis is read now unless the lookup above read it already).
          const fallback = readsRedis
            ? cached
            : fitting(await this.cache.lookup(hash, { everywhere: true }), binding);
          if (!fallback) throw err;
          answer = fallback.answer;
          result = 'hit';
        }
      }
      if (!answer.active || this.cache.isEnded(answer.sessionId))
        throw new InvalidToken('the session has ended');
      return toVisitor(answer);
    } catch (err) {
      if (err instanceof IdentityProviderUnavailable) {
        result = 'unavailable';
        throw ssoUnavailable(this.options.retryAfterS);
      }
      result = 'invalid';
      if (err instanceof InvalidToken) throw unauthorized(`Invalid token: ${err.message}`, true);
      throw err;
    } finally {
      ssoValidations.inc({ result });
      stopTimer({ result });
    }
  }

  /** Signature with a key the issuer publishes, iss, aud, exp and nbf; then a user access token with a session. */
  private async verifyLocally(token: string, kid: string): Promise<AccessTokenClaims & { sid: string }> {
    const key = await this.keys.keyFor(kid);
    if (!key) throw new InvalidToken('unknown signing key');
    let claims: JwtPayload & Partial<AccessTokenClaims>;
    try {
      claims = verify(token, key, {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceS,
      }) as JwtPayload & Partial<AccessTokenClaims>;
    } catch (err) {
      throw new InvalidToken(
        err instanceof TokenExpiredError ? 'the token has expired' : 'bad signature or claims',
      );
    }
    if (claims.typ !== 'access' || typeof claims.sid !== 'string' || typeof claims.sub !== 'string') {
      throw new InvalidToken('not a user access token');
    }
    return claims as AccessTokenClaims & { sid: string };
  }

  private introspect(
    hash: string,
    token: string,
    claims: AccessTokenClaims & { sid: string },
  ): Promise<CachedAnswer> {
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.introspectAndCache(hash, token, claims).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  private async introspectAndCache(
    hash: string,
    token: string,
    claims: AccessTokenClaims & { sid: string },
  ): Promise<CachedAnswer> {
    // Stamped with when it was asked for: a replica subscribed since then hears any later revocation.
    const sentAt = Date.now();
    const answer = toCachedAnswer(await this.provider.introspect(token), claims);
    // A negative answer is final (an ended session never comes back) but kept only briefly: it
    // only shields api-server from a client that keeps retrying with a dead token.
    const ttlS = answer.active
      ? cacheTtlSeconds(claims.exp, Date.now(), this.options.cacheTtlS)
      : Math.min(this.options.negativeTtlS, cacheTtlSeconds(claims.exp, Date.now(), this.options.cacheTtlS));
    // In this process's memory at once; the Redis copy (for the other replicas) is not waited for.
    void this.cache.set(hash, answer, ttlS, sentAt);
    return answer;
  }
}

/**
 * The key id of a well-formed RS256 token. Checked before any key lookup or cache read, so
 * `none`/HS256 tokens and garbage cost nothing and cause no JWKS fetch.
 */
function keyIdOf(token: string): string {
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidToken('malformed token');
  const decoded = safeDecode(token);
  if (!decoded || typeof decoded.payload === 'string') throw new InvalidToken('malformed token');
  if (decoded.header.alg !== 'RS256' || typeof decoded.header.kid !== 'string')
    throw new InvalidToken('unsupported token');
  if (decoded.header.typ !== ACCESS_TOKEN_TYPE) throw new InvalidToken('not an access token');
  return decoded.header.kid;
}

function safeDecode(token: string) {
  try {
    return decode(token, { complete: true });
  } catch {
    return null;
  }
}

function fitting(found: CacheLookup | undefined, token: TokenBinding): CacheLookup | undefined {
  return found && answerFits(found.answer, token) ? found : undefined;
}

/**
 * Active only when api-server vouches for this very user, session and expiry (never for a service
 * token).
 */
function toCachedAnswer(
  answer: IntrospectionAnswer,
  claims: AccessTokenClaims & { sid: string },
): CachedAnswer {
  if (
    !answer.active ||
    answer.client_id !== undefined ||
    answer.sid !== claims.sid ||
    answer.sub !== claims.sub ||
    answer.exp !== claims.exp
  ) {
    return { active: false };
  }
  return {
    active: true,
    userId: claims.sub,
    sessionId: claims.sid,
    organizationId: answer.org ?? null,
    role: answer.role ?? null,
    expiresAt: claims.exp,
  };
}

function toVisitor(answer: Extract<CachedAnswer, { active: true }>): VisitorPrincipal {
  return {
    kind: 'visitor',
    userId: answer.userId,
    sessionId: answer.sessionId,
    ...(answer.organizationId ? { organizationId: answer.organizationId } : {}),
    ...(answer.role ? { role: answer.role } : {}),
  };
}
