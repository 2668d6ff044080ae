import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { GuardedHttp, OutboundError } from '@ppt/outbound';
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
  /**
   * The push service refused the message itself (400, 413…), or answered a redirect (3xx, which
   * RFC 8030 does not use and we never follow): retrying would not help.
   */
  | { kind: 'refused'; error: string };

/** Most push subscriptions one user keeps in one organisation (each is one request per notification). */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 10;
/** One deadline for all of a user's devices, sent in parallel. */
export const PUSH_DEADLINE_MS = 15_000;

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

  /**
   * Why an endpoint may not be stored (null = fine): it must be an https URL on the default port 443
   * (what the push services publish — FCM `https://fcm.googleapis.com/…`, Mozilla autopush
   * `https://updates.push.services.mozilla.com/…`, Apple `https://web.push.apple.com/…`, WNS
   * `https://*.notify.windows.com/…`), so a subscription cannot aim our requests at another port of
   * some host. Plain http is only possible to an address in OUTBOUND_ALLOWED_CIDRS (the local test
   * push service; empty in production), as the guarded agent decides.
   */
  endpointProblem(endpoint: string): string | null {
    const problem = this.http.urlProblem(endpoint);
    if (problem) return problem;
    const url = new URL(endpoint);
    if (url.protocol === 'https:' && url.port !== '') return 'must use the https port 443';
    return null;
  }

  /** Sends to each of a user's devices at once, all under one deadline (one slow device delays none). */
  sendAll<T extends PushTarget>(
    targets: T[],
    payload: object,
    deadlineMs = PUSH_DEADLINE_MS,
  ): Promise<{ target: T; outcome: PushOutcome }[]> {
    const deadline = Date.now() + deadlineMs;
    return Promise.all(
      targets.map(async (target) => ({
        target,
        outcome: await this.send(target, payload, 24 * 3600, Math.max(1, deadline - Date.now())),
      })),
    );
  }

  async send(
    target: PushTarget,
    payload: object,
    ttlSeconds = 24 * 3600,
    timeoutMs = PUSH_DEADLINE_MS,
  ): Promise<PushOutcome> {
    // Stored before the endpoint rule (or written around it): refused, not sent.
    const problem = this.endpointProblem(target.endpoint);
    if (problem) return { kind: 'refused', error: `push endpoint ${problem}` };
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
        timeoutMs,
      });
      status = res.status;
      const loc = res.headers['location'];
      location = typeof loc === 'string' ? loc : null;
    } catch (err) {
      const error = (err as Error).message.slice(0, 500);
      // RFC 8030 §5 answers a push with 201; a redirect is not a push service's answer, and retrying
      // it would only repeat the request (the guarded agent never follows it).
      if (err instanceof OutboundError && err.code === 'OUTBOUND_REDIRECT') return { kind: 'refused', error };
      return { kind: 'retry', error };
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
