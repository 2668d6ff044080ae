import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Least length of each secret of a link-token ring. */
export const LINK_SECRET_MIN_LENGTH = 32;

/** A comma-separated secret list as configured (`first,second…`), entries trimmed, empty ones dropped. */
export function parseSecretList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why a secret list cannot be used (null = fine); names the problem, never a secret. */
export function secretListProblem(value: string | undefined): string | null {
  const secrets = parseSecretList(value);
  if (secrets.length === 0) return 'must list at least one secret';
  const short = secrets.findIndex((s) => s.length < LINK_SECRET_MIN_LENGTH);
  if (short >= 0) return `secret ${short + 1} must be at least ${LINK_SECRET_MIN_LENGTH} characters`;
  return null;
}

/**
 * Signed links that work without signing in (one-click unsubscribe, RFC 8058): a few fields, joined
 * with dots, base64url, then an HMAC-SHA-256 under a key derived from a secret and the link's purpose
 * (`ppt:<purpose>\0<secret>`, so one secret never signs two kinds of link). A key ring: the first
 * secret signs, every secret verifies — rotate by prepending a new secret and dropping the old one
 * once the links it signed may go dead. Compared in constant time. The links do not expire (an old
 * e-mail's link must keep working, RFC 8058 §3): what they may do must be harmless and idempotent.
 */
export class LinkTokens {
  private readonly keys: Buffer[];

  constructor(purpose: string, secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('LinkTokens needs at least one secret');
    this.keys = secrets.map((secret) =>
      createHash('sha256').update(`ppt:${purpose}\0`).update(secret).digest(),
    );
  }

  /** Fields must not contain dots (ids, types, `*`). */
  sign(fields: readonly string[]): string {
    if (fields.some((f) => f.includes('.'))) throw new Error('link token fields must not contain dots');
    const body = Buffer.from(fields.join('.')).toString('base64url');
    return `${body}.${mac(this.keys[0], body)}`;
  }

  /** The fields of a token one of the secrets signed, or null. */
  verify(token: string): string[] | null {
    const [body, given, extra] = token.split('.');
    if (!body || !given || extra !== undefined) return null;
    const givenBytes = Buffer.from(given);
    const genuine = this.keys.some((key) => {
      const expected = Buffer.from(mac(key, body));
      return givenBytes.length === expected.length && timingSafeEqual(givenBytes, expected);
    });
    return genuine ? Buffer.from(body, 'base64url').toString().split('.') : null;
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}
