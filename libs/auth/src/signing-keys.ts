import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** Accepts a PEM as is, or base64 of a PEM (fits on one line of a .env file). */
export function readPem(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('-----BEGIN')
    ? trimmed.replace(/\\n/g, '\n')
    : Buffer.from(trimmed, 'base64').toString('utf8').trim();
}

/** RFC 7638 thumbprint: a key id derived from the key itself, stable across restarts and replicas. */
export function thumbprint(key: KeyObject): string {
  const { e, kty, n } = key.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

/**
 * The issuer's RSA keys: the current private key signs; its public key and any previous public keys
 * (kept during a rotation) verify and are published as the JWKS. Keys are imported once.
 */
export class SigningKeys {
  readonly privateKey: KeyObject;
  readonly kid: string;
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(privateKeyPem: string, previousPublicKeyPems: string[] = []) {
    this.privateKey = createPrivateKey(readPem(privateKeyPem));
    if (this.privateKey.asymmetricKeyType !== 'rsa')
      throw new Error('the JWT signing key must be an RSA private key');
    const publicKey = createPublicKey(this.privateKey);
    this.kid = thumbprint(publicKey);
    this.publicKeys.set(this.kid, publicKey);
    for (const pem of previousPublicKeyPems) {
      const key = createPublicKey(readPem(pem));
      this.publicKeys.set(thumbprint(key), key);
    }
  }

  verificationKey(kid: string | undefined): KeyObject | undefined {
    return kid ? this.publicKeys.get(kid) : undefined;
  }

  jwks(): { keys: PublicJwk[] } {
    return {
      keys: [...this.publicKeys.entries()].map(([kid, key]) => ({
        ...key.export({ format: 'jwk' }),
        kid,
        alg: 'RS256',
        use: 'sig',
      })),
    };
  }
}
