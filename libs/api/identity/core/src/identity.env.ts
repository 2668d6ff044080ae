import type { CoreEnv } from '@ppt/config';

/**
 * What identity (auth, sessions, OAuth, the operators' queue-board login) reads from the environment: a slice
 * of the app's validated env, provided by the app under this token, so identity never imports the app.
 */
export abstract class IdentityEnv {
  abstract readonly NODE_ENV: CoreEnv['NODE_ENV'];
  abstract readonly AUTH_ISSUER: string;
  abstract readonly AUTH_AUDIENCE: string;
  abstract readonly AUTH_PORTAL_AUDIENCE: string;
  abstract readonly AUTH_JWT_PRIVATE_KEY: string;
  abstract readonly AUTH_JWT_PREVIOUS_PUBLIC_KEYS: string[];
  abstract readonly AUTH_ACCESS_TOKEN_TTL_S: number;
  abstract readonly AUTH_SERVICE_TOKEN_TTL_S: number;
  abstract readonly AUTH_REFRESH_IDLE_TTL_S: number;
  abstract readonly AUTH_REFRESH_ABSOLUTE_TTL_S: number;
  abstract readonly AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT: number;
  abstract readonly AUTH_MAX_ATTEMPTS_PER_IP: number;
  abstract readonly AUTH_MAX_FAILED_ATTEMPTS_PER_IP: number;
  abstract readonly AUTH_LOCKOUT_FIRST_S: number;
  abstract readonly AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT: number;
  abstract readonly AUTH_LIMIT_WINDOW_S: number;
  abstract readonly OPERATOR_SESSION_IDLE_S: number;
}
