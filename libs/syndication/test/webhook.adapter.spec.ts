import { GuardedHttp } from '@ppt/outbound';
import { randomBytes } from 'node:crypto';
import { startFakeWebhookPortal, type FakeWebhookPortal } from '@ppt/testing';
import {
  signWebhook,
  verifyWebhook,
  WebhookAdapter,
  type PortalTarget,
  type WebhookCredentials,
  type WebhookOptions,
} from '../src';
import { aListing } from './listing-fixture';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;

describe('Standard Webhooks adapter (against a local receiver that verifies by the spec)', () => {
  let portal: FakeWebhookPortal;
  let target: PortalTarget<WebhookCredentials, WebhookOptions>;
  // The fake portal listens on loopback: allow-listed explicitly, as in every local setup.
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const adapter = new WebhookAdapter(http);
  afterAll(() => http.close());
  const current = secret();

  beforeEach(async () => {
    portal = await startFakeWebhookPortal([current]);
    target = {
      organizationId: 'org-1',
      credentials: { secrets: [current] },
      options: { endpoint: portal.url, timeoutMs: 5000 },
    };
  });
  afterEach(() => portal.close());

  it('pushes a signed listing.published event and takes the id and URL the portal answers with', async () => {
    const listing = aListing();
    const published = await adapter.publish(listing, target);
    expect(published).toEqual({
      externalId: `wh-${listing.id}`,
      url: `https://portal.example/${listing.id}`,
    });
    const received = portal.listings.get(listing.id)!;
    expect(received).toMatchObject({
      id: listing.id,
      priceAmount: listing.priceAmount,
      currency: 'CZK',
      title: listing.title,
    });
    expect(received.photos).toEqual(
      listing.photos.map((p) => ({ id: p.id, url: p.url, contentType: p.contentType })),
    );
    expect(received).not.toHaveProperty('organizationId');
  });

  it('a retried delivery carries the same webhook id (the portal drops it); a new version a new one', async () => {
    const listing = aListing();
    await adapter.publish(listing, target);
    await adapter.publish(listing, target);
    await adapter.publish({ ...listing, version: 2, priceAmount: 1 }, target);
    expect(portal.deliveries.map((d) => d.duplicate)).toEqual([false, true, false]);
    expect(new Set(portal.deliveries.map((d) => d.id)).size).toBe(2);
    expect(portal.listings.get(listing.id)?.priceAmount).toBe(1);
  });

  it('a new delivery intent at the same version is a new message; retries of one intent keep its id', async () => {
    const listing = aListing();
    const first = { ...target, intent: 'intent-1' };
    const again = { ...target, intent: 'intent-2' }; // e.g. the portal turned off and on, nothing changed
    await adapter.publish(listing, first);
    await adapter.publish(listing, first); // a retry of intent 1
    await adapter.remove(
      { listingId: listing.id, organizationId: 'org-1', externalId: null, version: 1 },
      first,
    );
    await adapter.publish(listing, again);
    const ids = portal.deliveries.map((d) => d.id);
    expect(portal.deliveries.map((d) => d.duplicate)).toEqual([false, true, false, false]);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    // The receiver applied the re-publication instead of dropping it as a duplicate.
    expect(portal.listings.has(listing.id)).toBe(true);
  });

  it('signs with both secrets during a rotation, so a receiver with either one accepts', async () => {
    const next = secret();
    const rotating = { ...target, credentials: { secrets: [next, current] } };
    await adapter.publish(aListing(), rotating); // receiver still has only the old secret
    portal.secrets = [next]; // receiver switched
    await adapter.publish(aListing(), rotating);
    expect(portal.rejected).toBe(0);
    // Signed with a secret the receiver does not hold: refused, reported as a login problem, not retried.
    await expect(
      adapter.publish(aListing(), { ...target, credentials: { secrets: [secret()] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_LOGIN',
      retryable: false,
      portalMessage: 'invalid signature',
    });
  });

  it('removes with listing.removed; a portal that no longer knows it (404) counts as removed', async () => {
    const listing = aListing();
    await adapter.publish(listing, target);
    await adapter.remove(
      { listingId: listing.id, organizationId: 'org-1', externalId: null, version: 2 },
      target,
    );
    expect(portal.listings.has(listing.id)).toBe(false);
    portal.failNext(1, 404);
    await expect(
      adapter.remove(
        { listingId: listing.id, organizationId: 'org-1', externalId: null, version: 3 },
        target,
      ),
    ).resolves.toBeUndefined();
  });

  it('retries on 5xx and 429, gives up on 4xx with the portal message', async () => {
    portal.failNext(1, 503);
    await expect(adapter.publish(aListing(), target)).rejects.toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
    });
    portal.failNext(1, 429);
    await expect(adapter.publish(aListing(), target)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
    });
    portal.failNext(1, 422, JSON.stringify({ error: 'price must be positive' }));
    await expect(adapter.publish(aListing(), target)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      retryable: false,
      portalMessage: 'price must be positive',
    });
  });
  it('refuses an endpoint on an address that is not allow-listed, without delivering anything', async () => {
    const strict = new GuardedHttp();
    try {
      const err = await new WebhookAdapter(strict).publish(aListing(), target).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', retryable: false });
      expect(portal.deliveries).toHaveLength(0);
      expect(portal.rejected).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it("shows the manager a status line, never the receiver's body", async () => {
    portal.alwaysFail(500, 'stack trace of an internal service');
    const err = await adapter.publish(aListing(), target).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PORTAL_UNAVAILABLE', message: 'Webhook: HTTP 500' });
  });
});

describe('verifyWebhook (what our inbound portal webhooks use)', () => {
  const a = secret();
  const b = secret();
  const body = JSON.stringify({ type: 'listing.viewed', data: { id: 'x' } });

  it('accepts a message signed with either of two secrets, over the exact raw body', () => {
    expect(verifyWebhook([a, b], body, signWebhook([b], 'msg_1', body))).toEqual({ ok: true });
    expect(verifyWebhook([a, b], Buffer.from(body), signWebhook([a], 'msg_1', body))).toEqual({ ok: true });
    expect(verifyWebhook([a], body + ' ', signWebhook([a], 'msg_1', body))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook([a], body, { ...signWebhook([a], 'msg_1', body), 'webhook-id': 'msg_2' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses stale messages and missing headers', () => {
    const old = new Date(Date.now() - 6 * 60 * 1000);
    expect(verifyWebhook([a], body, signWebhook([a], 'msg_1', body, old))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhook([a], body, { 'webhook-id': 'msg_1' })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});
