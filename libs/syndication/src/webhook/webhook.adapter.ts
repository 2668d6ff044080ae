import { outboundErrorIn, type GuardedHttp, type OutboundResponse } from '@ppt/outbound';
import { createHash } from 'node:crypto';
import { checkRules, type PortalRules } from '../preflight';
import {
  PortalError,
  refusedCall,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
} from '../portal-adapter';
import type { SyndicationListing, SyndicationRef } from '../syndication-listing';
import { signWebhook } from './webhook-signature';

export interface WebhookCredentials {
  /** One or two `whsec_…` secrets; every message is signed with each (rotation without downtime). */
  secrets: string[];
}

export interface WebhookOptions {
  endpoint: string;
  timeoutMs?: number;
}

type Target = PortalTarget<WebhookCredentials, WebhookOptions>;

/** What the receiver gets: a typed event around our listing. */
export type ListingWebhookEvent =
  | { type: 'listing.published'; timestamp: string; data: WebhookListing }
  | { type: 'listing.removed'; timestamp: string; data: { id: string; version: number } };

export type WebhookListing = Omit<SyndicationListing, 'photos' | 'organizationId'> & {
  photos: { id: string; url: string; contentType: string }[];
};

export const WEBHOOK_RULES: PortalRules = {
  minPhotos: 0,
  maxPhotos: 100,
  maxPhotoBytes: 50 * 1024 * 1024,
  photoTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  description: { min: 0, max: 50_000 },
  title: { max: 200 },
  requireCoordinates: false,
  requireContact: false,
};
const RULES = WEBHOOK_RULES;

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A generic JSON push in the Standard Webhooks format, for portals without a standard of their own.
 * The message id (`webhook-id`) is derived from the listing, its version, the action and the
 * delivery intent (the planned change the job carries out): every retry of one intent carries the
 * same id, so the receiver can drop the duplicate, while a new intent at the same version — the
 * portal turned off and on, a re-send after a withdrawal — is a new message the receiver must apply.
 */
export class WebhookAdapter implements PortalAdapter<WebhookCredentials, WebhookOptions> {
  readonly key = 'webhook' as const;

  /** `http`: the guarded agent every call to the configured endpoint goes through. */
  constructor(private readonly http: GuardedHttp) {}

  /** A generic receiver: any market. */
  appliesTo(): boolean {
    return true;
  }

  preflight(listing: SyndicationListing): PreflightIssue[] {
    return checkRules(listing, RULES);
  }

  async publish(listing: SyndicationListing, target: Target): Promise<PublishedAdvert> {
    const { photos, organizationId: _org, ...fields } = listing;
    const event: ListingWebhookEvent = {
      type: 'listing.published',
      timestamp: new Date().toISOString(),
      data: { ...fields, photos: photos.map((p) => ({ id: p.id, url: p.url, contentType: p.contentType })) },
    };
    const answer = await this.deliver(
      target,
      messageId(listing.id, listing.version, event.type, target.intent),
      event,
      false,
    );
    const externalId = typeof answer?.id === 'string' ? answer.id : listing.id;
    return { externalId, url: typeof answer?.url === 'string' ? answer.url : null };
  }

  async remove(ref: SyndicationRef, target: Target): Promise<void> {
    const event: ListingWebhookEvent = {
      type: 'listing.removed',
      timestamp: new Date().toISOString(),
      data: { id: ref.listingId, version: ref.version },
    };
    await this.deliver(target, messageId(ref.listingId, ref.version, event.type, target.intent), event, true);
  }

  private async deliver(
    target: Target,
    id: string,
    event: ListingWebhookEvent,
    goneIsFine: boolean,
  ): Promise<Record<string, unknown> | null> {
    const payload = JSON.stringify(event);
    let res: OutboundResponse;
    try {
      res = await this.http.request(target.options.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signWebhook(target.credentials.secrets, id, payload),
        },
        body: payload,
        timeoutMs: target.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (err) {
      const refused = outboundErrorIn(err);
      if (refused) throw refusedCall(refused, 'Webhook');
      const code = (err as { code?: string }).code ?? (err as Error).name;
      throw new PortalError('PORTAL_UNAVAILABLE', `Webhook: could not be reached (${code})`, true);
    }
    const text = res.body.toString('utf8');
    if (res.status >= 200 && res.status < 300) return parseObject(text);
    if (goneIsFine && (res.status === 404 || res.status === 410)) return null;
    const message = portalMessage(text);
    if (res.status === 401 || res.status === 403)
      throw new PortalError('INVALID_LOGIN', `Webhook: HTTP ${res.status}`, false, res.status, message);
    if (res.status === 408 || res.status === 429 || res.status >= 500)
      throw new PortalError(
        res.status === 429 ? 'RATE_LIMITED' : 'PORTAL_UNAVAILABLE',
        `Webhook: HTTP ${res.status}`,
        true,
        res.status,
        message,
      );
    if (res.status === 400 || res.status === 422)
      throw new PortalError('INVALID_DATA', `Webhook: HTTP ${res.status}`, false, res.status, message);
    throw new PortalError('PORTAL_REJECTED', `Webhook: HTTP ${res.status}`, false, res.status, message);
  }
}

export function messageId(listingId: string, version: number, type: string, intent?: string): string {
  const key = `${listingId}:${version}:${type}${intent ? `:${intent}` : ''}`;
  return `msg_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function portalMessage(text: string): string | null {
  const body = parseObject(text);
  const message = body?.error ?? body?.message ?? text;
  return typeof message === 'string' && message ? message.slice(0, 1000) : null;
}
