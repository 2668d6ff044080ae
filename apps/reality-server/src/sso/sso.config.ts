import type { SsoOptions } from '@ppt/auth';
import { ConfigValidationError } from '@ppt/config';
import type { RealityServerEnv } from '../reality-server.env';

/**
 * How the portal talks to api-server: the HTTP process validates sign-ins, the worker delivers
 * inquiries, both with the portal's OAuth client. Outside production an unset secret only disables
 * those calls (so `npm start` works without a client); in production it stops the process.
 */
export function ssoOptionsFrom(env: RealityServerEnv): SsoOptions {
  if (env.NODE_ENV === 'production' && !env.SSO_CLIENT_SECRET) {
    throw new ConfigValidationError([
      'SSO_CLIENT_SECRET: required in production (create the client with `npm run admin -- create-client ' +
        '--client-id reality-server --name "Reality Portal" --scopes sso:introspect,listings:inquiries`) (currently unset)',
    ]);
  }
  return {
    apiServerUrl: env.API_SERVER_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_PORTAL_AUDIENCE,
    clientId: env.SSO_CLIENT_ID,
    clientSecret: env.SSO_CLIENT_SECRET,
    cacheTtlS: env.SSO_CACHE_TTL_S,
    memoryCacheSize: env.SSO_MEMORY_CACHE_SIZE,
    readinessCacheMs: env.SSO_READINESS_CACHE_S * 1000,
  };
}

/**
 * The HTTP process also signs visitors in, sharing token answers with the other replicas through
 * Redis under SSO_ANNOUNCEMENT_KEYS (the worker signs nobody in and needs no key).
 */
export function signInOptionsFrom(env: RealityServerEnv): SsoOptions {
  const options = ssoOptionsFrom(env);
  if (env.NODE_ENV === 'production' && !env.SSO_ANNOUNCEMENT_KEYS) {
    throw new ConfigValidationError([
      'SSO_ANNOUNCEMENT_KEYS: required in production, the same on every portal replica ' +
        '(k1:<openssl rand -base64 32>) (currently unset)',
    ]);
  }
  return { ...options, announcementKeys: env.SSO_ANNOUNCEMENT_KEYS };
}
