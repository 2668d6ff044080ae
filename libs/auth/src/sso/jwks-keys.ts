import { Logger } from '@nestjs/common';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { IdentityProviderUnavailable } from './sso.errors';

const MIN_RSA_BITS = 2048;

/**
 * The issuer's public keys by `kid`, loaded from its JWKS. An unknown `kid` refetches the set, but
 * at most once per interval and never twice at the same time, so tokens with made-up key ids
 * cannot turn into a stream of requests to api-server. A key the issuer stops publishing is still
 * trusted here until the next refetch; harmless, since introspection (api-server's own check) then
 * refuses its tokens.
 */
export class JwksKeys {
  private readonly logger = new Logger('SsoJwks');
  private keys = new Map<string, KeyObject>();
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;

  constructor(
    private readonly load: () => Promise<unknown>,
    private readonly minRefetchIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The key for `kid`, or undefined when the issuer does not have it. Throws
   * IdentityProviderUnavailable only while no key set could ever be loaded: once we know the
   * issuer's keys, an unknown `kid` is a bad token, not an outage.
   */
  async keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (!this.inFlight && this.now() - this.lastAttemptAt >= this.minRefetchIntervalMs) {
      this.lastAttemptAt = this.now();
      this.inFlight = this.refresh().finally(() => (this.inFlight = undefined));
    }
    try {
      await this.inFlight;
    } catch (err) {
      if (this.keys.size === 0) throw err;
    }
    if (this.keys.size === 0)
      throw new IdentityProviderUnavailable('the issuer key set has not been loaded yet');
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    const set = (await this.load()) as { keys?: unknown };
    if (!Array.isArray(set?.keys)) throw new IdentityProviderUnavailable('the JWKS has no "keys" array');
    const keys = new Map<string, KeyObject>();
    for (const jwk of set.keys as (JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown })[]) {
      // Only RSA signing keys for RS256: anything else in the set can never verify our tokens.
      if (jwk?.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
      if ((jwk.alg !== undefined && jwk.alg !== 'RS256') || (jwk.use !== undefined && jwk.use !== 'sig'))
        continue;
      try {
        const key = createPublicKey({ key: jwk, format: 'jwk' });
        // Node imports even a zero-length modulus; a key that short (or merely weak) verifies nothing.
        if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw new Error('too short');
        keys.set(jwk.kid, key);
      } catch {
        this.logger.warn(`Ignoring an unusable key ${jwk.kid} in the JWKS`);
      }
    }
    // Replaced, not merged: a key the issuer stopped publishing (end of a rotation) stops verifying.
    this.keys = keys;
  }
}
