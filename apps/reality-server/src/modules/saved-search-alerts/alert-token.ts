import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface AlertClaim {
  userId: string;
  /** One saved search, or `*`: all of the visitor's alerts. */
  searchId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The alert e-mails' unsubscribe links, which work without signing in: the claim signed with
 * HMAC-SHA-256 under a key derived from SAVED_SEARCH_ALERT_SECRET, compared in constant time. They do
 * not expire (an old e-mail's link must still work, RFC 8058 §3); all they do is turn alerts off.
 */
export class AlertTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update('ppt:saved-search-alert:v1\0').update(secret).digest();
  }

  sign(claim: AlertClaim): string {
    const body = Buffer.from(`${claim.userId}.${claim.searchId}`).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string): AlertClaim | null {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const [userId, searchId] = Buffer.from(body, 'base64url').toString().split('.');
    if (!UUID.test(userId ?? '') || !(searchId === '*' || UUID.test(searchId ?? ''))) return null;
    return { userId, searchId };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
