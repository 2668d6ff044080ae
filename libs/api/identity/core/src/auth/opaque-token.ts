import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random token for the client and the SHA-256 we store (the token itself is never stored). */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
