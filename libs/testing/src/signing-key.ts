import { generateKeyPairSync } from 'node:crypto';

let cached: string | undefined;

/** An RSA signing key for the issuer in tests (base64 PEM, as in .env), generated once per process. */
export function testSigningKey(): string {
  cached ??= Buffer.from(
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  ).toString('base64');
  return cached;
}
