import { LinkTokens } from '@ppt/config';
import { NOTIFICATION_TYPES, type NotificationType } from '@ppt/api-db';

export interface UnsubscribeClaim {
  organizationId: string;
  userId: string;
  /** One type, or `*`: every type (the digest's link). */
  type: NotificationType | '*';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One-click unsubscribe links (RFC 8058) that work without signing in: the claim (organisation,
 * user, notification type) signed by the shared link tokens (libs/config LinkTokens: HMAC-SHA-256,
 * a key ring — NOTIFICATION_UNSUBSCRIBE_SECRETS, the first signs, all verify). They do not expire:
 * old e-mails' links must keep working (RFC 8058 §3), and all they can do is turn one e-mail type
 * off for one person.
 */
export class UnsubscribeTokens {
  private readonly tokens: LinkTokens;

  constructor(secrets: string | readonly string[]) {
    this.tokens = new LinkTokens(
      'notification-unsubscribe:v1',
      typeof secrets === 'string' ? [secrets] : secrets,
    );
  }

  sign(claim: UnsubscribeClaim): string {
    return this.tokens.sign([claim.organizationId, claim.userId, claim.type]);
  }

  /** The claim of a genuine token, or null. */
  verify(token: string): UnsubscribeClaim | null {
    const fields = this.tokens.verify(token);
    if (!fields) return null;
    const [organizationId, userId, type] = fields;
    if (fields.length !== 3 || !UUID.test(organizationId ?? '') || !UUID.test(userId ?? '')) return null;
    if (type !== '*' && !(NOTIFICATION_TYPES as readonly string[]).includes(type ?? '')) return null;
    return { organizationId, userId, type: type as NotificationType | '*' };
  }
}
