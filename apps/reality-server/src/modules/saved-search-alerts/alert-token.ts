import { LinkTokens } from '@ppt/config';

export interface AlertClaim {
  userId: string;
  /** One saved search, or `*`: all of the visitor's alerts. */
  searchId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The alert e-mails' unsubscribe links, which work without signing in: the claim signed by the
 * shared link tokens (libs/config LinkTokens: HMAC-SHA-256 under a key derived from
 * SAVED_SEARCH_ALERT_SECRET, compared in constant time). They do not expire (an old e-mail's link
 * must still work, RFC 8058 §3); all they do is turn alerts off.
 */
export class AlertTokens {
  private readonly tokens: LinkTokens;

  constructor(secret: string) {
    this.tokens = new LinkTokens('saved-search-alert:v1', [secret]);
  }

  sign(claim: AlertClaim): string {
    return this.tokens.sign([claim.userId, claim.searchId]);
  }

  verify(token: string): AlertClaim | null {
    const fields = this.tokens.verify(token);
    if (!fields || fields.length !== 2) return null;
    const [userId, searchId] = fields;
    if (!UUID.test(userId ?? '') || !(searchId === '*' || UUID.test(searchId ?? ''))) return null;
    return { userId, searchId };
  }
}
