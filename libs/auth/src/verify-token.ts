import { decode, verify } from 'jsonwebtoken';
import type { AuthOptions } from './auth.options';
import type { AccessTokenClaims } from './principal';

/**
 * The same checks the bearer strategy makes (RS256 only, key by `kid`, iss, aud, exp, nbf), for
 * tokens that arrive in a body (introspection). Throws when the token is not valid.
 */
export async function verifyToken(raw: string, options: AuthOptions): Promise<AccessTokenClaims> {
  const header = decode(raw, { complete: true })?.header;
  const key = await options.resolveKey(header?.kid);
  if (!key) throw new Error('unknown signing key');
  return verify(raw, key, {
    algorithms: ['RS256'],
    issuer: options.issuer,
    audience: options.audience,
  }) as AccessTokenClaims;
}
