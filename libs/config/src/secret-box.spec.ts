import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const key = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  const ring = `k1:${key()}`;

  it('seals and opens; the sealed text shows nothing of the secret', () => {
    const box = new SecretBox(ring);
    const sealed = box.seal('hunter2-ěšč', 'org-1:sreality');
    expect(sealed).not.toContain('hunter2');
    expect(sealed.startsWith('v1:k1:')).toBe(true);
    expect(box.open(sealed, 'org-1:sreality')).toBe('hunter2-ěšč');
    // A fresh IV every time: equal secrets do not give equal ciphertexts.
    expect(box.seal('hunter2-ěšč', 'org-1:sreality')).not.toBe(sealed);
  });

  it('refuses a value moved to another record or tampered with', () => {
    const box = new SecretBox(ring);
    const sealed = box.seal('secret', 'org-1:sreality');
    expect(() => box.open(sealed, 'org-2:sreality')).toThrow(/does not open/);
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join(':'), 'org-1:sreality')).toThrow(/does not open/);
    expect(() => box.open('plain text', 'org-1:sreality')).toThrow(/not a sealed secret/);
  });

  it("refuses a truncated authentication tag, even the right tag's first bytes", () => {
    const box = new SecretBox(ring);
    const parts = box.seal('secret', 'org-1:sreality').split(':');
    for (const bytes of [4, 8, 12, 15]) {
      const truncated = [...parts];
      truncated[3] = Buffer.from(parts[3], 'base64url').subarray(0, bytes).toString('base64url');
      expect(() => box.open(truncated.join(':'), 'org-1:sreality')).toThrow(/wrong tag length/);
    }
  });

  it('rotates: a new first key seals, old keys still open, stale values are recognised', () => {
    const oldKey = key();
    const before = new SecretBox(`k1:${oldKey}`);
    const sealedBefore = before.seal('secret', 'ctx');
    const after = new SecretBox(`k2:${key()},k1:${oldKey}`);
    expect(after.open(sealedBefore, 'ctx')).toBe('secret');
    expect(after.isStale(sealedBefore)).toBe(true);
    const resealed = after.seal('secret', 'ctx');
    expect(after.isStale(resealed)).toBe(false);
    expect(() => before.open(resealed, 'ctx')).toThrow(/key "k2"/);
  });

  it('explains an unusable key ring', () => {
    expect(SecretBox.problemWith('')).toMatch(/empty/);
    expect(SecretBox.problemWith('nokid')).toMatch(/needs an id/);
    expect(SecretBox.problemWith(`k1:${randomBytes(16).toString('base64')}`)).toMatch(/32 bytes/);
    expect(SecretBox.problemWith(`k1:${key()},k1:${key()}`)).toMatch(/unique/);
    expect(SecretBox.problemWith(ring)).toBeNull();
  });
});
