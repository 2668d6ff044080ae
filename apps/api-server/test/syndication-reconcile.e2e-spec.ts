import { getQueueToken } from '@nestjs/bull';
import { PortalFeedJob, QueueName, SyndicationJob } from '@ppt/queue';
import {
  closedPort,
  eventually,
  sampleJpeg,
  startFakeOpenImmoPortal,
  startFakeSrealityPortal,
  startFakeWebhookPortal,
  type FakeOpenImmoPortal,
  type FakeSrealityPortal,
  type FakeWebhookPortal,
} from '@ppt/testing';
import type { Queue } from 'bull';
import { randomBytes, randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import request from 'supertest';
import type { ReconciliationSummary } from '@ppt/api-marketing-core';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';
import { IN_BERLIN, OI, SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 5151, password: 'import password', softwareKey: 'sw-key' };

interface Row {
  id: string;
  portal: string;
  status: string;
  externalId: string | null;
  history: { from: string | null; to: string; detail: string | null }[];
}

/**
 * The nightly reconciliation: each portal's own list against ours, every difference repaired through
 * the normal job path (real worker, Bull on Redis, local portal servers).
 */
describe('syndication reconciliation (nightly job against the portals’ own lists)', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  let openimmo: FakeOpenImmoPortal;
  let webhook: FakeWebhookPortal;
  const whSecret = `whsec_${randomBytes(24).toString('base64')}`;
  let cz: { id: string; adminToken: string };
  let de: { id: string; adminToken: string };
  let queue: Queue;
  const http = () => env.http();
  let runs = 0;

  const put = (token: string, portal: string, body: Record<string, unknown>) =>
    request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(token)).send(body);
  const rows = async (token: string, listingId: string): Promise<Row[]> =>
    (
      await request(http())
        .get(`/api/v1/syndication/status?listingId=${listingId}`)
        .set(bearer(token))
        .expect(200)
    ).body.items;
  const statusOf = async (token: string, listingId: string, portal: string) =>
    (await rows(token, listingId)).find((r) => r.portal === portal);
  const settled = (token: string, listingId: string, portal: string, status: string) =>
    eventually(async () => {
      const row = await statusOf(token, listingId, portal);
      return row?.status === status ? row : undefined;
    }, 30_000);
  /** The job as the schedule runs it, through the queue and its processor. */
  const reconcile = async (): Promise<ReconciliationSummary> => {
    const job = await queue.add(SyndicationJob.Reconcile, {}, { jobId: `reconcile-test-${++runs}` });
    return (await job.finished()) as ReconciliationSummary;
  };
  const driftEvents = (organizationId: string) =>
    asOwner(
      env.server,
      async (db) =>
        (
          await db.query(
            `SELECT aggregate_id, payload FROM outbox WHERE organization_id = $1 AND type = 'syndication.drift_detected'
             ORDER BY created_at`,
            [organizationId],
          )
        ).rows as { aggregate_id: string; payload: Record<string, string> }[],
    );

  async function publish(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const photo = (
      await uploadDocument(http(), token, sampleJpeg(4096), 'room.jpg', { category: 'photo' }).expect(201)
    ).body.id;
    const body = {
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
      addressLine: 'Slezská 12',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
      photoDocumentIds: [photo],
      ...overrides,
    };
    const id = (await request(http()).post('/api/v1/listings').set(bearer(token)).send(body).expect(201)).body
      .id as string;
    await request(http())
      .post(`/api/v1/listings/${id}/status`)
      .set(bearer(token))
      .send({ status: 'published' })
      .expect(200);
    return id;
  }

  beforeAll(async () => {
    sreality = await startFakeSrealityPortal([SRE]);
    openimmo = await startFakeOpenImmoPortal(OI);
    webhook = await startFakeWebhookPortal([whSecret], { listPageSize: 2 });
    env = await bootDocumentsServer({
      worker: true,
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNDICATION_BACKOFF_MS: '20',
        SYNDICATION_JOB_ATTEMPTS: '3',
        SYNDICATION_PORTAL_TIMEOUT_MS: '5000',
      },
    });
    queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    cz = await createOrganization(http(), await registerAndLogin(http(), 'recon-cz'), 'Czech Realty');
    de = await createOrganization(http(), await registerAndLogin(http(), 'recon-de'), 'Berliner Immobilien');
    for (const org of [cz, de]) await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(cz.adminToken, 'sreality', {
      credentials: SRE,
      options: { endpoint: sreality.url },
    }).expect(200);
    await put(de.adminToken, 'openimmo', {
      credentials: OI,
      options: {
        endpoint: openimmo.url,
        providerId: 'P-9',
        providerName: 'Berliner Immobilien',
        technicalEmail: 'it@berlin.example',
      },
    }).expect(200);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
    await Promise.all([sreality?.close(), openimmo?.close(), webhook?.close()]);
  });

  it('is scheduled once, nightly at 03:30 UTC, on the syndication queue', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(repeatable.filter((j) => j.name === SyndicationJob.Reconcile).map((j) => [j.cron, j.tz])).toEqual([
      ['30 3 * * *', 'UTC'],
    ]);
  });

  it('finds what differs on a listing portal, repairs it through portal jobs, and finds nothing the second time', async () => {
    const [missing, repriced, withdrawn, untouched] = [
      await publish(cz.adminToken),
      await publish(cz.adminToken),
      await publish(cz.adminToken),
      await publish(cz.adminToken),
    ];
    for (const id of [missing, repriced, withdrawn, untouched])
      await settled(cz.adminToken, id, 'sreality', 'active');
    await request(http())
      .post(`/api/v1/listings/${withdrawn}/status`)
      .set(bearer(cz.adminToken))
      .send({ status: 'withdrawn' })
      .expect(200);
    await settled(cz.adminToken, withdrawn, 'sreality', 'removed');

    // Behind our back: one advert gone, one repriced, the withdrawn one back, one of a listing we do
    // not have (it carries a listing id), and one somebody typed in by hand.
    sreality.adverts.delete(missing);
    sreality.adverts.get(repriced)!.data.advert_price = 7_500_000;
    sreality.seed(SRE.clientId, withdrawn, { advert_price: 8_990_000, advert_price_currency: 1 });
    const deleted = randomUUID();
    sreality.seed(SRE.clientId, deleted, { advert_price: 1_000_000, advert_price_currency: 1 });
    sreality.seed(SRE.clientId, 'typed-in-by-hand', { advert_price: 1, advert_price_currency: 1 });
    const photosBefore = sreality.adverts.get(untouched)!.photos.length;

    const first = await reconcile();
    const mine = first.portals.find((p) => p.organizationId === cz.id && p.portal === 'sreality')!;
    expect(mine).toMatchObject({
      mode: 'compare',
      drift: { missing: 1, price: 1, unexpected: 1, unknown: 1 },
      foreign: 1,
    });

    // Repaired through the normal job path: history says why, the portal matches again.
    const back = await settled(cz.adminToken, missing, 'sreality', 'active');
    expect(back.history.map((h) => [h.to, h.detail])).toEqual(
      expect.arrayContaining([['pending', 'missing on the portal']]),
    );
    expect(back.history.slice(-3).map((h) => h.to)).toEqual(['pending', 'syncing', 'active']);
    await eventually(() => sreality.adverts.get(missing)?.photos.length === 1);
    await eventually(() => sreality.adverts.get(repriced)?.data.advert_price === 8_990_000);
    await settled(cz.adminToken, repriced, 'sreality', 'active');
    const removed = await settled(cz.adminToken, withdrawn, 'sreality', 'removed');
    expect(removed.history.at(-2)).toMatchObject({
      to: 'removing',
      detail: 'still on the portal although taken off here',
    });
    expect(sreality.adverts.has(withdrawn)).toBe(false);
    expect(sreality.adverts.has(deleted)).toBe(false);
    expect(sreality.adverts.has('typed-in-by-hand')).toBe(true); // not ours to remove
    expect(sreality.adverts.get(untouched)!.photos).toHaveLength(photosBefore);

    // Recorded: one outbox event per difference, and the counter.
    const events = await driftEvents(cz.id);
    expect(events.map((e) => [e.aggregate_id, e.payload.kind, e.payload.repair]).sort()).toEqual(
      [
        [missing, 'missing', 'list'],
        [repriced, 'price', 'list'],
        [withdrawn, 'unexpected', 'remove'],
        [deleted, 'unknown', 'remove'],
      ].sort(),
    );
    const metrics = await register.getSingleMetricAsString('syndication_drift_total');
    expect(metrics).toContain('syndication_drift_total{portal="sreality",kind="price"} 1');

    // Idempotent: right after the repairs, nothing differs.
    const second = await reconcile();
    expect(second.portals.find((p) => p.organizationId === cz.id)).toMatchObject({ drift: {}, foreign: 1 });
    expect(await driftEvents(cz.id)).toHaveLength(4);
  });

  it('reconciles the webhook portal through its list endpoint when one is configured, over pages', async () => {
    const wh = await createOrganization(http(), await registerAndLogin(http(), 'recon-wh'), 'Hook Realty');
    const plain = await createOrganization(http(), await registerAndLogin(http(), 'recon-wh2'), 'Plain Hooks');
    for (const org of [wh, plain]) await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(wh.adminToken, 'webhook', {
      credentials: { secrets: [whSecret] },
      options: { endpoint: webhook.url, listUrl: webhook.listUrl },
    }).expect(200);
    // Without a list endpoint the webhook portal is not reconciled (nothing to compare with).
    await put(plain.adminToken, 'webhook', {
      credentials: { secrets: [whSecret] },
      options: { endpoint: webhook.url },
    }).expect(200);
    const bad = await put(wh.adminToken, 'webhook', {
      credentials: { secrets: [whSecret] },
      options: { endpoint: webhook.url, listUrl: 'not a url' },
    }).expect(422);
    expect(JSON.stringify(bad.body.error.details)).toContain('listUrl');

    const ids = [await publish(wh.adminToken), await publish(wh.adminToken), await publish(wh.adminToken)];
    for (const id of ids) await settled(wh.adminToken, id, 'webhook', 'active');
    const [missing, repriced, untouched] = ids;
    webhook.listings.delete(missing);
    webhook.listings.get(repriced)!['priceAmount'] = 1;
    const deleted = randomUUID();
    webhook.listings.set(deleted, { id: deleted, priceAmount: 5 });
    const requestsBefore = webhook.listRequests;

    const first = await reconcile();
    expect(first.portals.find((p) => p.organizationId === plain.id)).toBeUndefined();
    expect(first.portals.find((p) => p.organizationId === wh.id && p.portal === 'webhook')).toMatchObject({
      mode: 'compare',
      adverts: 3,
      drift: { missing: 1, price: 1, unknown: 1 },
      foreign: 0,
    });
    // Three adverts, two per page: two signed list requests (the fake checks every signature).
    expect(webhook.listRequests - requestsBefore).toBe(2);
    expect(webhook.rejected).toBe(0);

    await eventually(() => webhook.listings.has(missing));
    await eventually(() => webhook.listings.get(repriced)?.['priceAmount'] === 899000000);
    await eventually(() => !webhook.listings.has(deleted));
    for (const id of ids) await settled(wh.adminToken, id, 'webhook', 'active');
    expect(webhook.listings.has(untouched)).toBe(true);

    const second = await reconcile();
    expect(second.portals.find((p) => p.organizationId === wh.id)).toMatchObject({ drift: {} });
  });

  it('queues again stuck rows of an organisation that only uses our own portal (no portal_targets row)', async () => {
    const own = await createOrganization(http(), await registerAndLogin(http(), 'recon-own'), 'Own Realty');
    const id = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(own.adminToken))
        .send({
          transaction: 'rent',
          propertyType: 'apartment',
          ...SREALITY_FLAT,
          title: 'Small flat by the river',
          description: 'A quiet flat with a view of the river.',
          priceAmount: 2000000,
          currency: 'CZK',
          addressLine: 'Rašínovo nábřeží 5',
          city: 'Praha',
          postalCode: '128 00',
          country: 'CZ',
        })
        .expect(201)
    ).body.id as string;
    // As if planned while Redis was down: pending for 20 minutes on our own portal, no job behind it.
    await asOwner(env.server, (db) =>
      db.query(
        `INSERT INTO listing_syndications (organization_id, listing_id, portal, status, wanted, wanted_version, updated_at)
         SELECT organization_id, id, 'reality-portal', 'pending', 'listed', version, now() - interval '20 minutes'
           FROM listings WHERE id = $1`,
        [id],
      ),
    );
    // The Reality Portal's worker, played here: it applies whatever the feed brings, and answers the
    // reconciliation's question about what it shows with the listings it was sent last.
    const feed = env.worker!.get<Queue>(getQueueToken(QueueName.PortalFeed), { strict: false });
    const shown = new Map<string, { listingId: string; priceAmount: number; version: number }>();
    void feed
      .process('*', async (job) => {
        if (job.name === PortalFeedJob.List) return [...shown.values()];
        if (job.name === PortalFeedJob.Withdraw) return { withdrawn: shown.delete(job.data.listingId) };
        const p = job.data.payload as { listingId: string; status: string; priceAmount: number };
        if (p.status === 'published' || p.status === 'reserved') {
          shown.set(p.listingId, { listingId: p.listingId, priceAmount: p.priceAmount, version: 0 });
        } else shown.delete(p.listingId);
        return { applied: true };
      })
      .catch(() => undefined);

    const summary = await reconcile();
    expect(summary.requeued).toBeGreaterThanOrEqual(1);
    expect(await settled(own.adminToken, id, 'reality-portal', 'active')).toMatchObject({ externalId: id });
  });

  it('sends a full OpenImmo transfer, and a portal that fails does not stop the others', async () => {
    const id = await publish(de.adminToken, IN_BERLIN);
    const row = await settled(de.adminToken, id, 'openimmo', 'active');
    // A stray object of this provider on the portal; VOLL replaces the provider's whole set.
    const stray = randomUUID();
    openimmo.objects.set(stray, { ...openimmo.objects.get(row.externalId!)!, obid: stray });
    // This organisation also has a Sreality account whose portal is down (checked before OpenImmo).
    await put(de.adminToken, 'sreality', {
      credentials: SRE,
      options: { endpoint: `http://127.0.0.1:${await closedPort()}/RPC2` },
    }).expect(200);

    const summary = await reconcile();
    expect(summary.failed).toEqual([expect.objectContaining({ organizationId: de.id, portal: 'sreality' })]);
    expect(summary.portals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationId: de.id, portal: 'openimmo', mode: 'replace', adverts: 1 }),
        expect.objectContaining({ organizationId: cz.id, portal: 'sreality', drift: {} }),
      ]),
    );
    expect(openimmo.transfers.filter((t) => t.providerId === 'P-9').at(-1)).toMatchObject({
      umfang: 'VOLL',
      providerId: 'P-9',
    });
    expect(openimmo.objects.has(stray)).toBe(false);
    expect(openimmo.objects.get(row.externalId!)).toMatchObject({ objektnrExtern: id, price: 450000 });
    expect(openimmo.objects.get(row.externalId!)!.photos).toHaveLength(1);
    expect(await statusOf(de.adminToken, id, 'openimmo')).toMatchObject({ status: 'active' });
  });

  it('keeps in the full transfer a listing whose last update failed, not one the portal took down', async () => {
    const at = await createOrganization(
      http(),
      await registerAndLogin(http(), 'recon-at'),
      'Wiener Immobilien',
    );
    await put(at.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(at.adminToken, 'openimmo', {
      credentials: OI,
      options: {
        endpoint: openimmo.url,
        providerId: 'P-10',
        providerName: 'Wiener Immobilien',
        technicalEmail: 'it@wien.example',
      },
    }).expect(200);
    const refused = await publish(at.adminToken, IN_BERLIN);
    const takenDown = await publish(at.adminToken, IN_BERLIN);
    const live = await settled(at.adminToken, refused, 'openimmo', 'active');
    const gone = await settled(at.adminToken, takenDown, 'openimmo', 'active');

    // The portal refuses the next update (a 4xx fails at once): the previous version stays live there.
    openimmo.failNext(1, 422, 'Update not accepted');
    await request(http())
      .patch(`/api/v1/listings/${refused}`)
      .set(bearer(at.adminToken))
      .send({ priceAmount: 46000000 })
      .expect(200);
    expect(await settled(at.adminToken, refused, 'openimmo', 'failed')).toMatchObject({
      history: expect.arrayContaining([expect.objectContaining({ from: 'syncing', to: 'failed' })]),
    });
    expect(openimmo.objects.get(live.externalId!)).toMatchObject({ objektnrExtern: refused, price: 450000 });
    // The other one the portal took down itself (what its `listing.status_changed` webhook records).
    openimmo.objects.delete(gone.externalId!);
    await asOwner(env.server, (db) =>
      db.query(
        `UPDATE listing_syndications SET status = 'failed', last_error_code = 'PORTAL_REMOVED' WHERE id = $1`,
        [gone.id],
      ),
    );

    const summary = await reconcile();
    expect(summary.portals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationId: at.id, portal: 'openimmo', mode: 'replace', adverts: 1 }),
      ]),
    );
    // The nightly run goes through every organisation (in id order), so this provider's own last transfer.
    const ours = openimmo.transfers.filter((t) => t.providerId === 'P-10');
    expect(ours.at(-1)).toMatchObject({ umfang: 'VOLL', providerId: 'P-10' });
    expect(openimmo.objects.get(live.externalId!)).toMatchObject({ objektnrExtern: refused, price: 460000 });
    expect(openimmo.objects.has(gone.externalId!)).toBe(false);
    expect(await statusOf(at.adminToken, refused, 'openimmo')).toMatchObject({ status: 'failed' });
  });
});
