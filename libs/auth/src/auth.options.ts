import type { KeyObject } from 'node:crypto';

export interface AuthOptions {
  issuer: string;
  audience: string;
  /** Finds the public key for a token's `kid` (local keys on the issuer, a JWKS cache elsewhere). */
  resolveKey(kid: string | undefined): KeyObject | undefined | Promise<KeyObject | undefined>;
}

/** Confirms that a user token's session is still active (not logged out, revoked or expired). */
export interface SessionValidator {
  isActive(sessionId: string): Promise<boolean>;
}
