/** Where and how the portal reaches the identity provider (api-server). */
export interface SsoOptions {
  /** Base URL of api-server, e.g. http://api-server:3000. */
  apiServerUrl: string;
  /** `iss` and `aud` the user tokens must carry (api-server's AUTH_ISSUER / AUTH_PORTAL_AUDIENCE). */
  issuer: string;
  audience: string;
  /** The portal's own OAuth client (client credentials with the sso:introspect scope). */
  clientId: string;
  /** Unset: SSO is not configured, and every signed-in request answers 503 SSO_UNAVAILABLE. */
  clientSecret?: string;
  /** Upper bound for caching an introspection answer, in seconds. */
  cacheTtlS: number;
  /** Deadline of every call to api-server. */
  timeoutMs?: number;
  /** Leeway for `exp`/`nbf` against clock skew between the two hosts. */
  clockToleranceS?: number;
  /** Entries of the in-process answer cache (in front of Redis). */
  memoryCacheSize?: number;
  /** How long an "inactive" answer is cached (a revoked session never becomes active again). */
  negativeTtlS?: number;
  /** An unknown `kid` refetches the key set at most this often. */
  jwksRefetchIntervalMs?: number;
  /** The api-server readiness result is reused for this long, so probes cannot stampede it. */
  readinessCacheMs?: number;
  /** Retry-After of a 503 SSO_UNAVAILABLE. */
  retryAfterS?: number;
  /**
   * Key ring (`kid:base64key,…`) signing the answers replicas share through Redis (AnswerSigner).
   * Unset: a random key of this process, so other processes cannot use what it shares.
   */
  announcementKeys?: string;
}

export type ResolvedSsoOptions = Required<Omit<SsoOptions, 'clientSecret' | 'announcementKeys'>> &
  Pick<SsoOptions, 'clientSecret' | 'announcementKeys'>;

export const SSO_OPTIONS = Symbol('SSO_OPTIONS');

export function resolveSsoOptions(options: SsoOptions): ResolvedSsoOptions {
  return {
    timeoutMs: 2000,
    clockToleranceS: 5,
    memoryCacheSize: 20_000,
    negativeTtlS: 30,
    jwksRefetchIntervalMs: 10_000,
    readinessCacheMs: 30_000,
    retryAfterS: 5,
    ...options,
    apiServerUrl: options.apiServerUrl.replace(/\/+$/, ''),
  };
}
