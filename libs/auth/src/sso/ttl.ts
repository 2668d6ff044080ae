/**
 * How long an introspection answer may be cached: never longer than `capS` (revocations missed
 * while pub/sub was down heal within it) and never past the token's own expiry. 0 = do not cache.
 */
export function cacheTtlSeconds(expiresAtS: number | undefined, nowMs: number, capS: number): number {
  if (expiresAtS === undefined || !Number.isFinite(expiresAtS)) return 0;
  const remaining = Math.floor(expiresAtS - nowMs / 1000);
  return Math.max(0, Math.min(capS, remaining));
}
