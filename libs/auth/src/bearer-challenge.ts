/**
 * Leeway on `exp` and `nbf` wherever a token is verified: clocks of the issuer and of the services
 * drift by a little, and a token must not bounce for a second's difference (RFC 7519 §4.1.4).
 */
export const CLOCK_TOLERANCE_S = 5;

/** JOSE header `typ` of access tokens (RFC 9068 §2.1); a JWT without it is not an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

const REALM = 'ppt';

/**
 * The `WWW-Authenticate` value of a 401 (RFC 6750 §3): a request that carried no token gets the bare
 * challenge; one whose token was refused gets `error="invalid_token"` and why.
 */
export function bearerChallenge(invalidToken?: string): string {
  if (invalidToken === undefined) return `Bearer realm="${REALM}"`;
  // error_description is a quoted-string limited to printable ASCII without '"' and '\'.
  const description = invalidToken.replace(/[^\x20-\x7e]|["\\]/g, '');
  return `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`;
}
