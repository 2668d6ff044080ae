/**
 * A key ring as configured: `kid:base64key[,kid:base64key…]`. The first key is the current one (it
 * seals or signs); every key opens or verifies, so keys rotate by prepending a new one and dropping
 * the old one once nothing it protected is still in use.
 */
export interface KeyRing {
  keys: ReadonlyMap<string, Buffer>;
  currentKid: string;
  currentKey: Buffer;
}

/** Parses a key ring; throws a message that names the problem but never a key. */
export function parseKeyRing(keyRing: string, size: { exactBytes: number } | { minBytes: number }): KeyRing {
  const entries = keyRing
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const separator = entry.indexOf(':');
      const kid = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), 'base64');
      if (separator < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid))
        throw new Error('each key needs an id: "kid:base64key"');
      if ('exactBytes' in size && key.length !== size.exactBytes)
        throw new Error(`key "${kid}" must be ${size.exactBytes} bytes of base64`);
      if ('minBytes' in size && key.length < size.minBytes)
        throw new Error(`key "${kid}" must be at least ${size.minBytes} bytes of base64`);
      return [kid, key] as const;
    });
  if (entries.length === 0) throw new Error('the key ring is empty');
  const keys = new Map(entries);
  if (keys.size !== entries.length) throw new Error('key ids must be unique');
  const [currentKid, currentKey] = entries[0];
  return { keys, currentKid, currentKey };
}
