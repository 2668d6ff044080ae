import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_TYPES, type NotificationType } from '@ppt/db';

export interface UnsubscribeClaim {
  organizationId: string;
  userId: string;
  /** One type, or `*`: every type (the digest's link). */
  type: NotificationType | '*';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One-click unsubscribe links (RFC 8058) that work without signing in: the claim (organisation,
 * user, notification type) signed with HMAC-SHA-256 under a key derived from the server's signing
 * key, checked in constant time. They do not expire: old e-mails' links must keep working (RFC 8058
 * §3), and all they can do is turn one e-mail type off for one person.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update('ppt:notification-unsubscribe:v1\0').update(secret).digest();
  }

  sign(claim: UnsubscribeClaim): string {
    const body = Buffer.from(`${claim.organizationId}.${claim.userId}.${claim.type}`).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claim of a genuine token, or null. */
  verify(token: string): UnsubscribeClaim | null {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const [organizationId, userId, type] = Buffer.from(body, 'base64url').toString().split('.');
    if (!UUID.test(organizationId ?? '') || !UUID.test(userId ?? '')) return null;
    if (type !== '*' && !(NOTIFICATION_TYPES as readonly string[]).includes(type ?? '')) return null;
    return { organizationId, userId, type: type as NotificationType | '*' };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
