import { decode, verify } from 'jsonwebtoken';
import type { AuthOptions } from './auth.options';
import { ACCESS_TOKEN_TYPE, CLOCK_TOLERANCE_S } from './bearer-challenge';
import type { AccessTokenClaims } from './principal';

/**
 * The same checks the bearer strategy makes (RS256 only, `typ: at+jwt`, key by `kid`, iss, aud, exp,
 * nbf), for tokens that arrive in a body (introspection, revocation). Throws when the token is not valid.
 */
export async function verifyToken(raw: string, options: AuthOptions): Promise<AccessTokenClaims> {
  const header = decode(raw, { complete: true })?.header;
  if (header?.typ !== ACCESS_TOKEN_TYPE) throw new Error('not an access token');
  const key = await options.resolveKey(header.kid);
  if (!key) throw new Error('unknown signing key');
  return verify(raw, key, {
    algorithms: ['RS256'],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: CLOCK_TOLERANCE_S,
  }) as AccessTokenClaims;
}
