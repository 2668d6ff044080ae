import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Standard Webhooks headers for one message, signed with every active secret (space-separated
 * `v1,<sig>` entries), so a receiver holding either the old or the new secret verifies it while
 * secrets rotate.
 */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  payload: string,
  at = new Date(),
): SignedHeaders {
  if (secrets.length === 0) throw new Error('At least one signing secret is needed');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, payload)).join(' '),
  };
}

export type WebhookCheck =
  { ok: true } | { ok: false; reason: 'missing_headers' | 'stale' | 'bad_signature' };

/**
 * Verifies a received message against any of our secrets: HMAC-SHA256 over id, timestamp and the raw
 * body, constant-time comparison and a 5-minute timestamp tolerance (both by the standardwebhooks
 * library). Replays inside the tolerance are the caller's to reject, by the webhook id.
 */
export function verifyWebhook(
  secrets: readonly string[],
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
): WebhookCheck {
  const picked = {
    'webhook-id': single(headers['webhook-id']),
    'webhook-timestamp': single(headers['webhook-timestamp']),
    'webhook-signature': single(headers['webhook-signature']),
  };
  if (!picked['webhook-id'] || !picked['webhook-timestamp'] || !picked['webhook-signature']) {
    return { ok: false, reason: 'missing_headers' };
  }
  let stale = false;
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, picked as SignedHeaders, { jsonParse: false });
      return { ok: true };
    } catch (err) {
      if (err instanceof WebhookVerificationError && /timestamp/i.test(err.message)) stale = true;
    }
  }
  return { ok: false, reason: stale ? 'stale' : 'bad_signature' };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
