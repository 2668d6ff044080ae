import { signAlertBody, verifyAlertSignature } from './alert-webhook-signature';

describe('verifyAlertSignature', () => {
  const secret = 'whsec_test';
  const body = '{"alertId":"a","state":"firing"}';
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);
  const at = (secondsAgo: number) => Math.floor(now / 1000) - secondsAgo;
  const verify = (timestamp: number, options?: { toleranceSeconds?: number }) =>
    verifyAlertSignature(secret, String(timestamp), body, signAlertBody(secret, timestamp, body), { now, ...options });

  it('accepts a fresh signature and one at the edge of the window', () => {
    expect(verify(at(0))).toBe(true);
    expect(verify(at(300))).toBe(true);
  });

  it('refuses a delivery older than the tolerance (a replay) or too far in the future', () => {
    expect(verify(at(301))).toBe(false);
    expect(verify(at(-301))).toBe(false);
    expect(verify(at(301), { toleranceSeconds: 600 })).toBe(true);
  });

  it('refuses a changed body, another secret and a non-numeric timestamp', () => {
    const ts = at(0);
    const signature = signAlertBody(secret, ts, body);
    expect(verifyAlertSignature(secret, String(ts), body.replace('firing', 'resolved'), signature, { now })).toBe(false);
    expect(verifyAlertSignature('whsec_other', String(ts), body, signature, { now })).toBe(false);
    expect(verifyAlertSignature(secret, `${ts}.0`, body, signature, { now })).toBe(false);
  });
});
