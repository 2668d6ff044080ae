import { getQueueToken } from '@nestjs/bull';
import { TenantTransactions } from '@ppt/db';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import { signWebhook } from '@ppt/syndication';
import { eventually, sampleJpeg, startFakeSrealityPortal, type FakeSrealityPortal } from '@ppt/testing';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Queue } from 'bull';
import request from 'supertest';
import { PortalWebhooksRepository } from '../../../libs/api/marketing/core/src/syndication/webhooks/portal-webhooks.repository';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';
import { SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 5151, password: 'import password', softwareKey: 'sw-key' };
const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;
const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

interface Org {
  id: string;
  adminToken: string;
}

describe('portal webhooks and listing analytics (real worker, local Sreality)', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  const http = () => env.http();
  let a: Org;
  let b: Org;
  let realtorToken: string;
  const A_OLD = whsec();
  const A_NEW = whsec();
  const B_SECRET = whsec();

  /** A listing of org A that really went to Sreality: its advert id is the portal's own. */
  let listingA: string;
  let advertA: string;
  /** A listing of org B whose Sreality row carries the same advert id (seeded): the signature decides. */
  let listingB: string;

  const put = (token: string, portal: string, body: Record<string, unknown>) =>
    request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(token)).send(body);

  /** POSTs a webhook; signs it with `secrets` (Standard Webhooks) unless headers are given. */
  function deliver(
    payload: unknown,
    opts: {
      secrets?: string[];
      id?: string;
      at?: Date;
      headers?: Record<string, string>;
      portal?: string;
      raw?: string;
    } = {},
  ) {
    const body = opts.raw ?? JSON.stringify(payload);
    const id = opts.id ?? `msg_${randomUUID()}`;
    const headers = opts.headers ?? signWebhook(opts.secrets ?? [A_OLD], id, body, opts.at);
    return request(http())
      .post(`/api/v1/webhooks/portals/${opts.portal ?? 'sreality'}`)
      .set('Content-Type', 'application/json')
      .set(headers)
      .send(body);
  }
  const viewed = (advertId: string, extra: Record<string, unknown> = {}) => ({
    type: 'listing.viewed',
    data: { advertId, ...extra },
  });

  const analytics = async (token: string, listingId: string, query = '') =>
    (
      await request(http())
        .get(`/api/v1/listings/${listingId}/analytics${query}`)
        .set(bearer(token))
        .expect(200)
    ).body as {
      totals: { views: number; favorites: number; inquiries: number };
      portals: { portal: string; views: number; favorites: number; inquiries: number }[];
      days: { day: string; portal: string; views: number; favorites: number; inquiries: number }[];
    };
  const syndicationRow = async (token: string, listingId: string) =>
    (
      await request(http())
        .get(`/api/v1/syndication/status?listingId=${listingId}&portal=sreality`)
        .set(bearer(token))
        .expect(200)
    ).body.items[0] as {
      status: string;
      externalId: string | null;
      lastErrorCode: string | null;
      lastError: string | null;
      history: { from: string | null; to: string; detail: string | null }[];
    };
  const receipts = (organizationId: string) =>
    asOwner(
      env.server,
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM portal_webhook_receipts WHERE organization_id = $1`,
            [organizationId],
          )
        ).rows[0].n as number,
    );

  async function createListing(token: string, photos: boolean): Promise<string> {
    const photoDocumentIds = photos
      ? await Promise.all(
          [1, 2].map(
            async () =>
              (
                await uploadDocument(http(), token, sampleJpeg(4096), 'room.jpg', {
                  category: 'photo',
                }).expect(201)
              ).body.id as string,
          ),
        )
      : [];
    const res = await request(http())
      .post('/api/v1/listings')
      .set(bearer(token))
      .send({
        transaction: 'sale',
        propertyType: 'apartment',
        ...SREALITY_FLAT,
        title: 'Bright 3+1 near the park',
        description:
          'A bright flat on the third floor with a balcony and a cellar, five minutes from the tram.',
        priceAmount: 899000000,
        currency: 'CZK',
        areaM2: 78,
        rooms: 3,
        floor: 3,
        addressLine: 'Slezská 12',
        city: 'Praha',
        postalCode: '120 00',
        country: 'CZ',
        photoDocumentIds,
      })
      .expect(201);
    return res.body.id as string;
  }

  beforeAll(async () => {
    sreality = await startFakeSrealityPortal([SRE]);
    env = await bootDocumentsServer({
      worker: true,
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNDICATION_BACKOFF_MS: '20',
        SYNDICATION_JOB_ATTEMPTS: '3',
        SYNDICATION_PORTAL_TIMEOUT_MS: '5000',
      },
    });
    a = await createOrganization(http(), await registerAndLogin(http(), 'hook-a'), 'Prague Homes');
    b = await createOrganization(http(), await registerAndLogin(http(), 'hook-b'), 'Brno Homes');
    const realtor = await registerAndLogin(http(), 'hook-realtor');
    await addMember(http(), a.adminToken, a.id, realtor.email, 'realtor');
    realtorToken = (await login(http(), realtor.email, undefined, a.id)).accessToken;
    for (const [org, secret] of [
      [a, A_OLD],
      [b, B_SECRET],
    ] as const) {
      await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
      await put(org.adminToken, 'sreality', {
        credentials: SRE,
        options: { endpoint: sreality.url, advertUrlTemplate: 'https://sreality.example/detail/{id}' },
        inboundSecrets: [secret],
      }).expect(200);
    }

    listingA = await createListing(a.adminToken, true);
    await request(http())
      .post(`/api/v1/listings/${listingA}/status`)
      .set(bearer(a.adminToken))
      .send({ status: 'published' })
      .expect(200);
    const active = await eventually(async () => {
      const row = await syndicationRow(a.adminToken, listingA).catch(() => undefined);
      return row?.status === 'active' ? row : undefined;
    }, 30_000);
    advertA = String(active.externalId);
    expect(advertA).toBe(String(sreality.adverts.get(listingA)?.advertId));

    listingB = await createListing(b.adminToken, false);
    await asOwner(env.server, (db) =>
      db.query(
        `INSERT INTO listing_syndications (organization_id, listing_id, portal, status, wanted, wanted_version, synced_version, external_id)
         VALUES ($1, $2, 'sreality', 'active', 'listed', 1, 1, $3)`,
        [b.id, listingB, advertA],
      ),
    );
  }, 90_000);

  afterAll(async () => {
    await env?.close();
    await sreality?.close();
  });

  it('applies views, favourites, inquiries and status changes, and shows them per portal per day', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const applied = await deliver(viewed(advertA, { count: 3 })).expect(200);
    expect(applied.body).toEqual({ status: 'applied', eventId: expect.any(String), type: 'listing.viewed' });
    await deliver(viewed(advertA, { at: yesterday.toISOString() })).expect(200);
    await deliver({ type: 'listing.favorited', data: { advertId: advertA } }).expect(200);

    const inquiry = {
      type: 'listing.inquiry',
      data: {
        advertId: advertA,
        inquiryId: 'sre-inq-1001',
        name: 'Jana Nováková',
        email: 'jana@example.com',
        phone: '+420 601 123 456',
        message: 'Is the flat still available?',
        portalOnlyField: 'ignored',
      },
    };
    await deliver(inquiry).expect(200);
    // The portal sends the same inquiry again under a new event id: still one inquiry, counted once.
    await deliver(inquiry).expect(200);
    const inquiries = await request(http())
      .get(`/api/v1/listings/${listingA}/inquiries`)
      .set(bearer(a.adminToken))
      .expect(200);
    expect(inquiries.body.total).toBe(1);
    expect(inquiries.body.items[0]).toMatchObject({
      listingId: listingA,
      name: 'Jana Nováková',
      email: 'jana@example.com',
      phone: '+420 601 123 456',
      message: 'Is the flat still available?',
      visitorUserId: null,
    });

    const stats = await analytics(a.adminToken, listingA);
    expect(stats.totals).toEqual({ views: 4, favorites: 1, inquiries: 1 });
    expect(stats.portals).toEqual([{ portal: 'sreality', views: 4, favorites: 1, inquiries: 1 }]);
    expect(stats.days).toEqual([
      { day: utcDay(-1), portal: 'sreality', views: 1, favorites: 0, inquiries: 0 },
      { day: utcDay(0), portal: 'sreality', views: 3, favorites: 1, inquiries: 1 },
    ]);
    // A range picks days; the organisation B's advert with the same id got nothing.
    const today = await analytics(a.adminToken, listingA, `?from=${utcDay(0)}&to=${utcDay(0)}`);
    expect(today.totals).toEqual({ views: 3, favorites: 1, inquiries: 1 });
    expect((await analytics(b.adminToken, listingB)).totals).toEqual({
      views: 0,
      favorites: 0,
      inquiries: 0,
    });

    // The portal takes the advert down: the manager sees why; it shows it again: active again.
    await deliver({
      type: 'listing.status_changed',
      data: { advertId: advertA, status: 'rejected', reason: 'Photos show a different flat' },
    }).expect(200);
    const rejected = await syndicationRow(a.adminToken, listingA);
    expect(rejected).toMatchObject({
      status: 'failed',
      lastErrorCode: 'PORTAL_REJECTED',
      lastError: 'Photos show a different flat',
    });
    expect(rejected.history.at(-1)).toMatchObject({
      from: 'active',
      to: 'failed',
      detail: 'PORTAL_REJECTED: Photos show a different flat',
    });
    await deliver({ type: 'listing.status_changed', data: { advertId: advertA, status: 'active' } }).expect(
      200,
    );
    expect(await syndicationRow(a.adminToken, listingA)).toMatchObject({
      status: 'active',
      lastErrorCode: null,
      lastError: null,
    });
  });

  it('verifies the signature: bad, missing, tampered, stale or future are 401; a hand-built one passes', async () => {
    const before = await analytics(a.adminToken, listingA);
    const bad = await deliver(viewed(advertA), { secrets: [whsec()] }).expect(401);
    expect(bad.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const missing = await deliver(viewed(advertA), { headers: {} }).expect(401);
    expect(missing.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const signedFor = JSON.stringify(viewed(advertA, { count: 1 }));
    const headers = signWebhook([A_OLD], 'msg_tampered', signedFor);
    const tampered = await deliver(null, {
      headers,
      raw: JSON.stringify(viewed(advertA, { count: 1000 })),
    }).expect(401);
    expect(tampered.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const stale = await deliver(viewed(advertA), { at: new Date(Date.now() - 6 * 60_000) }).expect(401);
    expect(stale.body.error.code).toBe('WEBHOOK_TIMESTAMP_STALE');
    const future = await deliver(viewed(advertA), { at: new Date(Date.now() + 6 * 60_000) }).expect(401);
    expect(future.body.error.code).toBe('WEBHOOK_TIMESTAMP_STALE');
    // A stale timestamp is refused the same way for an advert nobody has (no oracle).
    const staleUnknown = await deliver(viewed('no-such-advert'), {
      at: new Date(Date.now() - 6 * 60_000),
    }).expect(401);
    expect(staleUnknown.body.error.code).toBe('WEBHOOK_TIMESTAMP_STALE');
    expect((await analytics(a.adminToken, listingA)).totals).toEqual(before.totals);

    // Standard Webhooks by hand: base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" with the secret's key.
    const body = JSON.stringify(viewed(advertA, { count: 2 }));
    const id = 'msg_by_hand_1';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = Buffer.from(A_OLD.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    await deliver(null, {
      raw: body,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${signature}`,
      },
    }).expect(200);
    expect((await analytics(a.adminToken, listingA)).totals.views).toBe(before.totals.views + 2);
  });

  it('a replayed webhook-id is acknowledged as a duplicate and not applied again', async () => {
    const before = (await analytics(a.adminToken, listingA)).totals.views;
    const body = JSON.stringify(viewed(advertA, { count: 5 }));
    const headers = signWebhook([A_OLD], 'msg_replay_1', body);
    await deliver(null, { raw: body, headers }).expect(200);
    // The exact same request again (a replay inside the 5 minutes)…
    const replay = await deliver(null, { raw: body, headers }).expect(200);
    expect(replay.body.status).toBe('duplicate');
    // …and the portal's own redelivery, signed afresh with the same event id.
    const redelivered = await deliver(viewed(advertA, { count: 5 }), { id: 'msg_replay_1' }).expect(200);
    expect(redelivered.body.status).toBe('duplicate');
    expect((await analytics(a.adminToken, listingA)).totals.views).toBe(before + 5);
  });

  it('accepts either of two inbound secrets while they rotate, and only those', async () => {
    const before = (await analytics(a.adminToken, listingA)).totals.views;
    await put(a.adminToken, 'sreality', { inboundSecrets: [A_OLD, A_NEW] }).expect(200);
    await deliver(viewed(advertA), { secrets: [A_NEW] }).expect(200);
    await deliver(viewed(advertA), { secrets: [A_OLD] }).expect(200);
    await put(a.adminToken, 'sreality', { inboundSecrets: [A_NEW] }).expect(200);
    await deliver(viewed(advertA), { secrets: [A_OLD] }).expect(401);
    await deliver(viewed(advertA), { secrets: [A_NEW] }).expect(200);
    await put(a.adminToken, 'sreality', { inboundSecrets: [A_OLD] }).expect(200);
    expect((await analytics(a.adminToken, listingA)).totals.views).toBe(before + 3);
  });

  it('acknowledges unknown event types with 202 and changes nothing else', async () => {
    const before = await analytics(a.adminToken, listingA);
    const receiptsBefore = await receipts(a.id);
    const res = await deliver(
      { type: 'listing.boosted', data: { advertId: advertA, until: '2030-01-01' } },
      { id: 'msg_unknown_1' },
    ).expect(202);
    expect(res.body).toEqual({ status: 'ignored', eventId: 'msg_unknown_1', type: 'listing.boosted' });
    const again = await deliver(
      { type: 'listing.boosted', data: { advertId: advertA } },
      { id: 'msg_unknown_1' },
    ).expect(200);
    expect(again.body.status).toBe('duplicate');
    expect(await receipts(a.id)).toBe(receiptsBefore + 1);
    expect(await analytics(a.adminToken, listingA)).toEqual(before);
    expect((await syndicationRow(a.adminToken, listingA)).status).toBe('active');
  });

  it('answers client mistakes with 4xx, never 500', async () => {
    const malformed = await deliver(null, { raw: '{"type": "listing.viewed", "data": {' }).expect(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
    const unknownPortal = await deliver(viewed(advertA), { portal: 'immoscout' }).expect(404);
    expect(unknownPortal.body.error.code).toBe('UNKNOWN_PORTAL');
    const noAdvert = await deliver({ type: 'listing.viewed', data: {} }).expect(400);
    expect(noAdvert.body.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(noAdvert.body.error.details).toEqual([{ field: 'data.advertId', message: expect.any(String) }]);
    await deliver([1, 2, 3]).expect(400);
    const unknownAdvert = await deliver(viewed('no-such-advert')).expect(401);
    expect(unknownAdvert.body.error).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      message: 'Unknown advert or bad signature',
    });
    await request(http())
      .post('/api/v1/webhooks/portals/sreality')
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);

    // A signed event of a known type with bad data is refused and not remembered: fixed, it applies.
    const bad = await deliver(
      {
        type: 'listing.inquiry',
        data: { advertId: advertA, inquiryId: 'sre-inq-2', name: 'X', email: 'not-mail', message: 'Hi' },
      },
      { id: 'msg_fixed_later' },
    ).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'data.email', message: expect.any(String) }]);
    await deliver(
      {
        type: 'listing.inquiry',
        data: { advertId: advertA, inquiryId: 'sre-inq-2', name: 'X', email: 'x@example.com', message: 'Hi' },
      },
      { id: 'msg_fixed_later' },
    ).expect(200);
    const future = await deliver(viewed(advertA, { at: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(future.status).toBe(400);
    await deliver(viewed(advertA, { count: -1 })).expect(400);
  });

  it('keeps organisations apart: one organisation’s secret never touches another’s listing', async () => {
    const aBefore = await analytics(a.adminToken, listingA);
    const aRow = await syndicationRow(a.adminToken, listingA);
    const bReceipts = await receipts(b.id);

    // B's secret over A's advert id: B's row shares the id, so B's listing gets it — never A's.
    await deliver(viewed(advertA, { count: 7 }), { secrets: [B_SECRET] }).expect(200);
    await deliver(
      { type: 'listing.status_changed', data: { advertId: advertA, status: 'removed' } },
      { secrets: [B_SECRET] },
    ).expect(200);
    expect(await analytics(a.adminToken, listingA)).toEqual(aBefore);
    expect(await syndicationRow(a.adminToken, listingA)).toMatchObject({ status: aRow.status });
    expect((await analytics(b.adminToken, listingB)).totals.views).toBe(7);
    expect(await syndicationRow(b.adminToken, listingB)).toMatchObject({
      status: 'failed',
      lastErrorCode: 'PORTAL_REMOVED',
    });
    expect(await receipts(b.id)).toBe(bReceipts + 2);

    // Without B's row, B's secret cannot name A's advert at all.
    await asOwner(env.server, (db) =>
      db.query(`UPDATE listing_syndications SET external_id = 'b-own' WHERE organization_id = $1`, [b.id]),
    );
    const refused = await deliver(viewed(advertA, { count: 9 }), { secrets: [B_SECRET] }).expect(401);
    expect(refused.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await analytics(a.adminToken, listingA)).toEqual(aBefore);

    // Analytics of another organisation's listing do not exist; a realtor sees only their own listings.
    await request(http()).get(`/api/v1/listings/${listingA}/analytics`).set(bearer(b.adminToken)).expect(404);
    await request(http()).get(`/api/v1/listings/${listingA}/analytics`).set(bearer(realtorToken)).expect(403);
    await request(http())
      .get(`/api/v1/listings/${listingA}/analytics?from=${utcDay(0)}&to=${utcDay(-1)}`)
      .set(bearer(a.adminToken))
      .expect(400);
    await request(http()).get(`/api/v1/listings/${listingA}/analytics`).expect(401);
  });

  it('forgets portal webhook receipts after 30 days, and its scope cannot touch younger ones', async () => {
    const receipt = (eventId: string, ageDays: number) =>
      asOwner(env.server, (db) =>
        db.query(
          `INSERT INTO portal_webhook_receipts (organization_id, portal, event_id, event_type, received_at)
           VALUES ($1, 'sreality', $2, 'advert.viewed', now() - make_interval(days => $3))`,
          [a.id, eventId, ageDays],
        ),
      );
    const receipts = () =>
      asOwner(env.server, async (db) =>
        (
          await db.query(
            `SELECT event_id FROM portal_webhook_receipts WHERE organization_id = $1 AND event_id LIKE 'retention-%'
             ORDER BY event_id`,
            [a.id],
          )
        ).rows.map((r: { event_id: string }) => r.event_id),
      );
    await receipt('retention-old', 31);
    await receipt('retention-recent', 29);

    // Asked to delete everything, the scope still only reaches what is past the retention. It is a
    // platform job's scope: only the worker (its database role) can take it.
    const tenant = env.worker!.get(TenantTransactions, { strict: false });
    const repository = env.worker!.get(PortalWebhooksRepository, { strict: false });
    await tenant.runPlatform('webhook-receipts-expire', (m) => repository.deleteReceiptsOlderThan(m, 0));
    expect(await receipts()).toEqual(['retention-recent']);

    await receipt('retention-old-2', 45);
    const maintenance = env.worker!.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    const repeatable = await maintenance.getRepeatableJobs();
    expect(
      repeatable.filter((j) => j.name === MaintenanceJob.WebhookReceiptsExpire).map((j) => [j.cron, j.tz]),
    ).toEqual([['45 2 * * *', 'UTC']]);
    const job = await maintenance.add(
      MaintenanceJob.WebhookReceiptsExpire,
      {},
      { jobId: `receipts-${randomUUID()}` },
    );
    const result = (await job.finished()) as { deleted: number };
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect(await receipts()).toEqual(['retention-recent']);
  });
});
