import { parseKeyRing } from '@ppt/config';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';
const MIN_KEY_BYTES = 32;

/** Why a shared answer was not opened (the `reason` label of sso_shared_answers_rejected_total). */
export type RejectedReason = 'malformed' | 'unsigned' | 'unknown_key' | 'bad_mac';

export type Opened = { body: string } | { rejected: RejectedReason };

/**
 * HMAC-SHA256 over the introspection answers portal replicas share through Redis (cache entries
 * and announcements on `<prefix>sso:answers`). Whoever can write to Redis or publish there, but
 * does not hold a key, cannot make a replica keep an answer: a forged message is dropped.
 *
 * Key ring format (env SSO_ANNOUNCEMENT_KEYS): `kid:base64key[,kid:base64key…]`, each key at least
 * 32 random bytes. The first key signs, every key verifies: rotate by prepending a new key on every
 * replica, then drop the old one once SSO_CACHE_TTL_S has passed (nothing it signed is alive).
 *
 * Signed form: `v1.<kid>.<base64url mac>.<body>`; the MAC covers the key id and the body.
 */
export class AnswerSigner {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentKid: string;
  private readonly currentKey: Buffer;

  constructor(keyRing: string) {
    ({
      keys: this.keys,
      currentKid: this.currentKid,
      currentKey: this.currentKey,
    } = parseKeyRing(keyRing, { minBytes: MIN_KEY_BYTES }));
  }

  /** A key ring only this process holds (no other replica can read what it shares). */
  static ephemeral(): AnswerSigner {
    return new AnswerSigner(`process:${randomBytes(32).toString('base64')}`);
  }

  /** A readable reason when a key ring is unusable, for boot-time config validation. */
  static problemWith(keyRing: string): string | null {
    try {
      new AnswerSigner(keyRing);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  sign(body: string): string {
    const mac = this.mac(this.currentKid, this.currentKey, body).toString('base64url');
    return `${VERSION}.${this.currentKid}.${mac}.${body}`;
  }

  open(signed: string): Opened {
    if (!signed.startsWith(`${VERSION}.`))
      return { rejected: signed.startsWith('{') ? 'unsigned' : 'malformed' };
    const kidEnd = signed.indexOf('.', VERSION.length + 1);
    const macEnd = kidEnd < 0 ? -1 : signed.indexOf('.', kidEnd + 1);
    if (macEnd < 0) return { rejected: 'malformed' };
    const kid = signed.slice(VERSION.length + 1, kidEnd);
    const body = signed.slice(macEnd + 1);
    const key = this.keys.get(kid);
    if (!key) return { rejected: 'unknown_key' };
    const given = Buffer.from(signed.slice(kidEnd + 1, macEnd), 'base64url');
    const expected = this.mac(kid, key, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { rejected: 'bad_mac' };
    return { body };
  }

  private mac(kid: string, key: Buffer, body: string): Buffer {
    return createHmac('sha256', key).update(`${VERSION}.${kid}.`).update(body).digest();
  }
}
