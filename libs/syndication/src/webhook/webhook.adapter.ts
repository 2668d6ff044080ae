import { outboundErrorIn, type GuardedHttp, type OutboundResponse } from '@ppt/outbound';
import { createHash, randomUUID } from 'node:crypto';
import { checkRules, type PortalRules } from '../preflight';
import {
  PortalError,
  refusedCall,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
  type RemoteAdvert,
} from '../portal-adapter';
import type { SyndicationListing, SyndicationRef } from '../syndication-listing';
import { signWebhook } from './webhook-signature';

export interface WebhookCredentials {
  /** One or two `whsec_…` secrets; every message is signed with each (rotation without downtime). */
  secrets: string[];
}

export interface WebhookOptions {
  endpoint: string;
  /**
   * The receiver's list of our adverts, for reconciliation (optional): see `list` for what it must
   * answer. Without it the webhook portal is not reconciled.
   */
  listUrl?: string;
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
/** Pages of the receiver's list read in one reconciliation at most (a receiver that never ends). */
export const MAX_LIST_PAGES = 200;

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

  /**
   * The receiver's own list of our adverts (reconciliation), when `listUrl` is configured; null when
   * it is not (the portal is then left out). Our contract with a receiver (docs/syndication.md):
   * `GET <listUrl>` signed like the pushes (Standard Webhooks headers over an empty body, a fresh
   * `webhook-id` per request), answered `200 {"items": [{"id": "<our listing id>", "externalId"?,
   * "priceAmount"? (minor units)}], "nextCursor"?: string|null}`; the next page is
   * `GET <listUrl>?cursor=<nextCursor>`. Any other answer fails the reconciliation of this portal.
   */
  async list(target: Target): Promise<RemoteAdvert[] | null> {
    const listUrl = target.options.listUrl;
    if (!listUrl) return null;
    const adverts: RemoteAdvert[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const url = new URL(listUrl);
      if (cursor) url.searchParams.set('cursor', cursor);
      const id = `list_${randomUUID().replace(/-/g, '')}`;
      let res: OutboundResponse;
      try {
        res = await this.http.request(url.toString(), {
          method: 'GET',
          headers: { accept: 'application/json', ...signWebhook(target.credentials.secrets, id, '') },
          timeoutMs: target.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        });
      } catch (err) {
        const refused = outboundErrorIn(err);
        if (refused) throw refusedCall(refused, 'Webhook list');
        const code = (err as { code?: string }).code ?? (err as Error).name;
        throw new PortalError('PORTAL_UNAVAILABLE', `Webhook list: could not be reached (${code})`, true);
      }
      if (res.status < 200 || res.status >= 300) {
        throw new PortalError(
          res.status === 401 || res.status === 403 ? 'INVALID_LOGIN' : 'PORTAL_UNAVAILABLE',
          `Webhook list: HTTP ${res.status}`,
          res.status >= 500,
          res.status,
          portalMessage(res.body.toString('utf8')),
        );
      }
      const body = parseObject(res.body.toString('utf8'));
      if (!body || !Array.isArray(body.items)) {
        throw new PortalError('PORTAL_UNAVAILABLE', 'Webhook list: the answer has no items array', true);
      }
      for (const item of body.items as unknown[]) {
        if (!item || typeof item !== 'object') continue;
        const { id: listingId, externalId, priceAmount } = item as Record<string, unknown>;
        if (typeof listingId !== 'string' || !listingId) continue;
        adverts.push({
          listingId,
          externalId: typeof externalId === 'string' && externalId ? externalId : listingId,
          priceAmount: Number.isSafeInteger(priceAmount) ? (priceAmount as number) : null,
        });
      }
      cursor = typeof body.nextCursor === 'string' && body.nextCursor ? body.nextCursor : null;
      if (!cursor) return adverts;
    }
    throw new PortalError(
      'PORTAL_UNAVAILABLE',
      `Webhook list: more than ${MAX_LIST_PAGES} pages; not reconciled`,
      true,
    );
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
