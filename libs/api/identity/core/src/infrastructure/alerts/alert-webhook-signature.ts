import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the Unix time (seconds) the body was signed at. */
export const ALERT_TIMESTAMP_HEADER = 'x-ppt-alert-timestamp';
/** Header carrying `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const ALERT_SIGNATURE_HEADER = 'x-ppt-alert-signature';

/**
 * The webhook signature (Stripe's scheme): the timestamp is signed with the body, so a captured
 * delivery replayed later is recognisable by its age; receivers compare in constant time.
 */
export function signAlertBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers (and the tests): whether `signature` signs `body` at `timestamp` with `secret`, and
 * the timestamp is within `toleranceSeconds` of `now` either way (an older delivery is a replay, a
 * future one a skewed or forged clock). A retried delivery is signed anew, so the same alert state can
 * arrive more than once: receivers de-duplicate on `alertId` + `state`.
 */
export function verifyAlertSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signAlertBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
