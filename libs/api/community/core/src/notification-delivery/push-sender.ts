import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { GuardedHttp } from '@ppt/outbound';
import { generateRequestDetails } from 'web-push';
import { NotificationDeliveryEnv } from './notification-delivery.env';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type PushOutcome =
  | { kind: 'sent'; providerId: string | null }
  /** RFC 8030 §7.3: 404/410 — the subscription is gone; the caller deletes it. */
  | { kind: 'gone'; status: number }
  /** Worth retrying: 429, 5xx, network. */
  | { kind: 'retry'; error: string }
  /** The push service refused the message itself (400, 413…): retrying would not help. */
  | { kind: 'refused'; error: string };

/**
 * Web Push: the message is encrypted for the subscription (RFC 8291, aes128gcm) and signed with
 * our VAPID key (RFC 8292) by the `web-push` library, then POSTed (RFC 8030) through the guarded
 * outbound agent, since the endpoint is a URL a browser gave us: it must not reach internal
 * addresses.
 */
@Injectable()
export class PushSender implements OnApplicationShutdown {
  private readonly http: GuardedHttp;

  constructor(@Inject(NotificationDeliveryEnv) private readonly env: NotificationDeliveryEnv) {
    this.http = new GuardedHttp({
      allowedCidrs: env.OUTBOUND_ALLOWED_CIDRS,
      timeoutMs: 15_000,
      maxResponseBytes: 64 * 1024,
    });
  }

  get enabled(): boolean {
    return Boolean(this.env.VAPID_PUBLIC_KEY && this.env.VAPID_PRIVATE_KEY && this.env.VAPID_SUBJECT);
  }

  get publicKey(): string | null {
    return this.enabled ? (this.env.VAPID_PUBLIC_KEY as string) : null;
  }

  /** Why an endpoint may not be stored (null = fine). */
  endpointProblem(endpoint: string): string | null {
    return this.http.urlProblem(endpoint);
  }

  async send(target: PushTarget, payload: object, ttlSeconds = 24 * 3600): Promise<PushOutcome> {
    const details = generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(payload),
      {
        TTL: ttlSeconds,
        contentEncoding: 'aes128gcm',
        vapidDetails: {
          subject: this.env.VAPID_SUBJECT as string,
          publicKey: this.env.VAPID_PUBLIC_KEY as string,
          privateKey: this.env.VAPID_PRIVATE_KEY as string,
        },
      },
    );
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
    let status: number;
    let location: string | null = null;
    try {
      const res = await this.http.request(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body ?? undefined,
      });
      status = res.status;
      const loc = res.headers['location'];
      location = typeof loc === 'string' ? loc : null;
    } catch (err) {
      return { kind: 'retry', error: (err as Error).message.slice(0, 500) };
    }
    if (status >= 200 && status < 300) return { kind: 'sent', providerId: location };
    if (status === 404 || status === 410) return { kind: 'gone', status };
    if (status === 429 || status >= 500) return { kind: 'retry', error: `push service answered ${status}` };
    return { kind: 'refused', error: `push service answered ${status}` };
  }

  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}
