import type { KeyObject } from 'node:crypto';

export interface AuthOptions {
  issuer: string;
  audience: string;
  /** Finds the public key for a token's `kid` (local keys on the issuer, a JWKS cache elsewhere). */
  resolveKey(kid: string | undefined): KeyObject | undefined | Promise<KeyObject | undefined>;
}

/**
 * Confirms that a user token's session is still active (not logged out, revoked or expired) and that
 * the token carries the session's current generation (`gen`; what it claims of organisation and role
 * is still true).
 */
export interface SessionValidator {
  isActive(sessionId: string, generation: number): Promise<boolean>;
}

/** Confirms that the client a service token was issued to has not been disabled since. */
export interface ServiceClientValidator {
  isEnabled(clientId: string): Promise<boolean>;
}
