import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyRing } from './key-ring';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
/**
 * GCM tags are always 16 bytes here. Without pinning it, Node accepts any prefix of the right tag
 * (4 bytes and up) on decryption, and a 4-byte tag is forgeable by trial.
 */
const AUTH_TAG_BYTES = 16;

/**
 * Encrypts small secrets kept in the database (portal credentials, provider keys): AES-256-GCM with
 * a key ring. The first key seals, every key opens, so keys rotate by prepending a new one and
 * re-sealing at leisure. The context (e.g. "<organization id>:<portal>") is authenticated data: a
 * sealed value copied to another row does not open there.
 *
 * Key ring format (env): `kid:base64key[,kid:base64key…]`, each key 32 random bytes
 * (`openssl rand -base64 32`).
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentKid: string;

  constructor(keyRing: string) {
    ({ keys: this.keys, currentKid: this.currentKid } = parseKeyRing(keyRing, { exactBytes: KEY_BYTES }));
  }

  /** A readable reason when a key ring is unusable, for boot-time config validation. */
  static problemWith(keyRing: string): string | null {
    try {
      new SecretBox(keyRing);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKid)!, iv, {
      authTagLength: AUTH_TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKid, b64(iv), b64(cipher.getAuthTag()), b64(body)].join(':');
  }

  /** Throws when the value was tampered with, sealed for another context, or under an unknown key. */
  open(sealed: string, context: string): string {
    const [version, kid, iv, tag, body, ...rest] = sealed.split(':');
    if (version !== VERSION || rest.length || !body) throw new Error('not a sealed secret');
    const key = this.keys.get(kid);
    if (!key) throw new Error(`sealed with key "${kid}", which is not in the key ring`);
    const authTag = Buffer.from(tag, 'base64url');
    if (authTag.length !== AUTH_TAG_BYTES) throw new Error('not a sealed secret (wrong tag length)');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: AUTH_TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(authTag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error('the sealed secret does not open (tampered, or sealed for another record)');
    }
  }

  /** Sealed under an older key: re-seal it with the current one. */
  isStale(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentKid;
  }
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64url');
}
