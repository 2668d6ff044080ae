import { getQueueToken } from '@nestjs/bull';
import { QueueName } from '@ppt/queue';
import {
  eventually,
  sampleJpeg,
  startFakeOpenImmoPortal,
  startFakeSrealityPortal,
  startFakeWebhookPortal,
  type FakeOpenImmoPortal,
  type FakeSrealityPortal,
  type FakeWebhookPortal,
} from '@ppt/testing';
import type { Job, Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SyndicationReconciliation } from '@ppt/api-marketing-core';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';
import { IN_BERLIN, OI, SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 4242, password: 'import password', softwareKey: 'sw-key' };
const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;

interface Row {
  id: string;
  portal: string;
  status: string;
  externalId: string | null;
  externalUrl: string | null;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  held: boolean;
  history: { from: string | null; to: string }[];
}

describe('listing syndication (real worker, Redis/Bull and local portal servers)', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  let openimmo: FakeOpenImmoPortal;
  let webhook: FakeWebhookPortal;
  const secret = whsec();
  const http = () => env.http();
  let cz: { id: string; adminToken: string };
  let de: { id: string; adminToken: string };
  let realtorToken: string;

  const put = (token: string, portal: string, body: Record<string, unknown>) =>
    request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(token)).send(body);
  const rows = async (token: string, listingId: string): Promise<Row[]> =>
    (
      await request(http())
        .get(`/api/v1/syndication/status?listingId=${listingId}`)
        .set(bearer(token))
        .expect(200)
    ).body.items;
  const settled = (token: string, listingId: string, expected: Record<string, string>) =>
    eventually(async () => {
      const found = await rows(token, listingId);
      const now = Object.fromEntries(found.map((r) => [r.portal, r.status]));
      return Object.entries(expected).every(([p, s]) => now[p] === s) ? found : undefined;
    }, 30_000);

  /** A new listing published in the token's organisation, once its portal rows have reached `expected`. */
  async function published(
    token: string,
    expected: Record<string, string>,
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string; rows: Awaited<ReturnType<typeof settled>> }> {
    const id = await listing(token, overrides);
    await setStatus(token, id, 'published').expect(200);
    return { id, rows: await settled(token, id, expected) };
  }

  async function photo(token: string): Promise<string> {
    return (
      await uploadDocument(http(), token, sampleJpeg(4096), 'room.jpg', { category: 'photo' }).expect(201)
    ).body.id;
  }

  async function listing(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
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
      floor: 3,
      addressLine: 'Slezská 12',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
      photoDocumentIds: [await photo(token), await photo(token)],
      ...overrides,
    };
    return (await request(http()).post('/api/v1/listings').set(bearer(token)).send(body).expect(201)).body.id;
  }
  const setStatus = (token: string, id: string, status: string) =>
    request(http()).post(`/api/v1/listings/${id}/status`).set(bearer(token)).send({ status });

  /**
   * The Reality Portal's worker, played here (reality-server's own tests run the real one): it applies
   * each feed event to a read model only when its version is strictly newer than the listing's there,
   * as the portal does. `failFirst` fails the first feed job of a listing for good.
   */
  let portal:
    | {
        shown: Map<string, { version: number; status: string }>;
        received: (listingId: string) => number;
        failFirst: Set<string>;
      }
    | undefined;
  function portalWorker(): NonNullable<typeof portal> {
    if (portal) return portal;
    const shown = new Map<string, { version: number; status: string }>();
    const received = new Map<string, number>();
    const failFirst = new Set<string>();
    portal = { shown, received: (listingId) => received.get(listingId) ?? 0, failFirst };
    const feed = env.worker!.get<Queue>(getQueueToken(QueueName.PortalFeed), { strict: false });
    void feed
      .process(
        '*',
        async (job: Job<{ aggregateId: string; aggregateVersion: number; payload: { status: string } }>) => {
          const { aggregateId: id, aggregateVersion: version, payload } = job.data;
          received.set(id, (received.get(id) ?? 0) + 1);
          if (failFirst.delete(id)) {
            job.discard();
            throw new Error('read model unavailable');
          }
          const stored = shown.get(id);
          if (stored && stored.version >= version) return { applied: false };
          shown.set(id, { version, status: payload.status });
          return { applied: true };
        },
      )
      .catch(() => undefined);
    return portal;
  }

  beforeAll(async () => {
    sreality = await startFakeSrealityPortal([SRE]);
    openimmo = await startFakeOpenImmoPortal(OI);
    webhook = await startFakeWebhookPortal([secret]);
    env = await bootDocumentsServer({
      worker: true,
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNDICATION_BACKOFF_MS: '20',
        SYNDICATION_JOB_ATTEMPTS: '4',
        SYNDICATION_PORTAL_TIMEOUT_MS: '5000',
      },
    });
    const czAdmin = await registerAndLogin(http(), 'synd-cz');
    cz = await createOrganization(http(), czAdmin, 'Czech Realty');
    de = await createOrganization(http(), await registerAndLogin(http(), 'synd-de'), 'Berliner Immobilien');
    const realtor = await registerAndLogin(http(), 'synd-realtor');
    await addMember(http(), cz.adminToken, cz.id, realtor.email, 'realtor');
    realtorToken = (await login(http(), realtor.email, undefined, cz.id)).accessToken;
    // Our own portal has its own end-to-end tests (reality-server); here only the external ones run.
    for (const org of [cz, de]) await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(cz.adminToken, 'sreality', {
      credentials: SRE,
      options: { endpoint: sreality.url, advertUrlTemplate: 'https://sreality.example/detail/{id}' },
    }).expect(200);
    await put(cz.adminToken, 'webhook', {
      credentials: { secrets: [secret] },
      options: { endpoint: webhook.url },
    }).expect(200);
    await put(de.adminToken, 'openimmo', {
      credentials: OI,
      options: {
        endpoint: openimmo.url,
        providerId: 'P-1',
        providerName: 'Berliner Immobilien',
        technicalEmail: 'it@berlin.example',
      },
    }).expect(200);
    await put(de.adminToken, 'webhook', {
      credentials: { secrets: [secret] },
      options: { endpoint: webhook.url },
    }).expect(200);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
    await Promise.all([sreality?.close(), openimmo?.close(), webhook?.close()]);
  });

  describe('portal configuration', () => {
    it('never returns credentials, stores them sealed, and shows every portal', async () => {
      const res = await request(http())
        .get('/api/v1/syndication/portals')
        .set(bearer(cz.adminToken))
        .expect(200);
      expect(res.body.items.map((p: { portal: string }) => p.portal)).toEqual([
        'reality-portal',
        'sreality',
        'openimmo',
        'webhook',
      ]);
      const sre = res.body.items.find((p: { portal: string }) => p.portal === 'sreality');
      expect(sre).toMatchObject({ enabled: true, configured: true, hasCredentials: true });
      expect(JSON.stringify(res.body)).not.toContain(SRE.password);
      expect(JSON.stringify(res.body)).not.toContain(secret);
      const stored = await asOwner(
        env.server,
        async (db) =>
          (
            await db.query(`SELECT credentials_sealed FROM portal_targets WHERE organization_id = $1`, [
              cz.id,
            ])
          ).rows,
      );
      expect(JSON.stringify(stored)).not.toContain(SRE.password);
      expect(
        stored.filter((r: { credentials_sealed: string | null }) =>
          r.credentials_sealed?.startsWith('v1:k1:'),
        ),
      ).toHaveLength(2);
    });

    it('validates each portal’s configuration field by field; unknown portals are 404; realtors cannot configure', async () => {
      const bad = await put(cz.adminToken, 'sreality', {
        credentials: { clientId: 'x', password: '', extra: 1 },
      }).expect(422);
      expect(bad.body.error.code).toBe('INVALID_PORTAL_CONFIG');
      expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(
        expect.arrayContaining([
          'credentials.clientId',
          'credentials.password',
          'credentials.softwareKey',
          'credentials.extra',
        ]),
      );
      await put(cz.adminToken, 'webhook', { credentials: { secrets: ['not-a-secret'] } }).expect(422);
      await put(cz.adminToken, 'immoscout', { enabled: true }).expect(404);
      await put(realtorToken, 'webhook', { enabled: false }).expect(403);
      // Still configured as before.
      const after = await request(http())
        .get('/api/v1/syndication/portals')
        .set(bearer(cz.adminToken))
        .expect(200);
      expect(after.body.items.find((p: { portal: string }) => p.portal === 'webhook')).toMatchObject({
        enabled: true,
      });
    });
  });

  it('refuses to publish what a portal would reject, before any job runs, with a list per portal', async () => {
    const id = await listing(cz.adminToken, { photoDocumentIds: [], description: 'Short.', areaM2: null });
    const res = await setStatus(cz.adminToken, id, 'published').expect(422);
    expect(res.body.error.code).toBe('PORTAL_RULES_NOT_MET');
    const problems = res.body.error.details.map(
      (d: { portal: string; rule: string; field: string }) => `${d.portal}:${d.field}:${d.rule}`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'sreality:photos:min_photos',
        'sreality:description:description_length',
        'sreality:areaM2:required',
      ]),
    );
    expect(problems.every((p: string) => p.startsWith('sreality:'))).toBe(true); // the webhook portal takes it
    const listingNow = await request(http())
      .get(`/api/v1/listings/${id}`)
      .set(bearer(cz.adminToken))
      .expect(200);
    expect(listingNow.body.status).toBe('draft');
    expect(await rows(cz.adminToken, id)).toEqual([]);
    const check = await request(http())
      .get(`/api/v1/syndication/preflight?listingId=${id}`)
      .set(bearer(cz.adminToken))
      .expect(200);
    expect(check.body.ok).toBe(false);
    expect(check.body.portals.find((p: { portal: string }) => p.portal === 'webhook')).toMatchObject({
      ok: true,
      issues: [],
    });
  });

  it('publishes to every enabled portal, follows changes, and removes on withdrawal', async () => {
    const { id, rows: active } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });

    const sre = active.find((r) => r.portal === 'sreality')!;
    const advert = sreality.adverts.get(id)!;
    expect(sre.externalId).toBe(String(advert.advertId));
    expect(sre.externalUrl).toBe(`https://sreality.example/detail/${advert.advertId}`);
    expect(advert.photos).toHaveLength(2);
    expect(advert.data.advert_price).toBe(8_990_000);
    expect(sre.history.map((h) => h.to)).toEqual(['pending', 'syncing', 'active']);
    expect(webhook.listings.get(id)).toMatchObject({ id, priceAmount: 899000000 });

    // A price change reaches both portals.
    await request(http())
      .patch(`/api/v1/listings/${id}`)
      .set(bearer(cz.adminToken))
      .send({ priceAmount: 850000000 })
      .expect(200);
    await eventually(
      () =>
        sreality.adverts.get(id)?.data.advert_price === 8_500_000 &&
        webhook.listings.get(id)?.priceAmount === 850000000,
    );
    await settled(cz.adminToken, id, { sreality: 'active', webhook: 'active' });

    // Withdrawal takes it off everywhere.
    await setStatus(cz.adminToken, id, 'withdrawn').expect(200);
    await settled(cz.adminToken, id, { sreality: 'removed', webhook: 'removed' });
    expect(sreality.adverts.has(id)).toBe(false);
    expect(webhook.listings.has(id)).toBe(false);
  });

  it('a portal failing its first calls ends active after retries; one that always fails ends failed alone', async () => {
    sreality.failNext(2, 500, 'Temporary failure', 'addAdvert');
    webhook.alwaysFail(503, JSON.stringify({ error: 'maintenance' }));
    try {
      const { id, rows: done } = await published(cz.adminToken, { sreality: 'active', webhook: 'failed' });
      const sre = done.find((r) => r.portal === 'sreality')!;
      expect(sre.attempts).toBe(3);
      expect(sre.lastError).toBeNull();
      const wh = done.find((r) => r.portal === 'webhook')!;
      expect(wh).toMatchObject({
        status: 'failed',
        lastErrorCode: 'PORTAL_UNAVAILABLE',
        // A status line of ours: the receiver's body ("maintenance") never reaches the manager.
        lastError: 'Webhook: HTTP 503',
        attempts: 4,
      });
      // The exhausted job is kept in Bull as failed (dead letter).
      const queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
      const failed = await queue.getFailed();
      expect(failed.some((j) => j.data.listingId === id && j.data.portal === 'webhook')).toBe(true);

      // Once the portal is back, a retry gets it there, with all its attempts again (one more failure
      // must not end it: Bull's own job.retry() would keep the four attempts already made).
      webhook.alwaysFail(null);
      webhook.failNext(1, 503, JSON.stringify({ error: 'still warming up' }));
      const retried = await request(http())
        .post('/api/v1/syndication/retry')
        .set(bearer(cz.adminToken))
        .send({ ids: [wh.id] })
        .expect(200);
      expect(retried.body.queued).toBe(1);
      const back = await settled(cz.adminToken, id, { webhook: 'active' });
      expect(back.find((r) => r.portal === 'webhook')).toMatchObject({ attempts: 2, lastError: null });
      expect(webhook.listings.has(id)).toBe(true);
      await request(http())
        .post('/api/v1/syndication/retry')
        .set(bearer(cz.adminToken))
        .send({ ids: [wh.id] })
        .expect(409);
    } finally {
      webhook.alwaysFail(null);
    }
  });

  it('a wrong password fails at once with the portal’s reason, without retries', async () => {
    await put(cz.adminToken, 'sreality', { credentials: { ...SRE, password: 'wrong' } }).expect(200);
    try {
      const { rows: done } = await published(cz.adminToken, { sreality: 'failed', webhook: 'active' });
      expect(done.find((r) => r.portal === 'sreality')).toMatchObject({
        lastErrorCode: 'INVALID_LOGIN',
        attempts: 1,
      });
    } finally {
      await put(cz.adminToken, 'sreality', { credentials: SRE }).expect(200);
    }
  });

  it('withdrawing from one portal keeps the listing off it until it is published again', async () => {
    const { id } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    const res = await request(http())
      .post('/api/v1/syndication/withdraw')
      .set(bearer(cz.adminToken))
      .send({ listingId: id, portals: ['webhook'] })
      .expect(200);
    expect(res.body.queued).toBe(1);
    await settled(cz.adminToken, id, { sreality: 'active', webhook: 'removed' });
    expect(webhook.listings.has(id)).toBe(false);

    // A change goes to Sreality only.
    await request(http())
      .patch(`/api/v1/listings/${id}`)
      .set(bearer(cz.adminToken))
      .send({ title: 'Renovated 3+1' })
      .expect(200);
    await eventually(() => sreality.adverts.has(id));
    await settled(cz.adminToken, id, { sreality: 'active', webhook: 'removed' });
    expect(webhook.listings.has(id)).toBe(false);

    // Withdrawn and published again: back on both.
    await setStatus(cz.adminToken, id, 'withdrawn').expect(200);
    await settled(cz.adminToken, id, { sreality: 'removed', webhook: 'removed' });
    await setStatus(cz.adminToken, id, 'published').expect(200);
    const back = await settled(cz.adminToken, id, { sreality: 'active', webhook: 'active' });
    expect(back.every((r) => !r.held)).toBe(true);
    expect(webhook.listings.get(id)?.title).toBe('Renovated 3+1');
  });

  it('a redelivered listing.published event does not put a listing back on a portal it was withdrawn from (consumed once)', async () => {
    const { id } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    const queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    const delivered = (await queue.getJobs(['completed'])).find(
      (j) => j.name === 'listing.published' && j.data.aggregateId === id,
    );
    expect(delivered).toBeDefined();
    await request(http())
      .post('/api/v1/syndication/withdraw')
      .set(bearer(cz.adminToken))
      .send({ listingId: id, portals: ['webhook'] })
      .expect(200);
    await settled(cz.adminToken, id, { sreality: 'active', webhook: 'removed' });

    // At-least-once delivery: the same event (same id) arrives again.
    const again = await queue.add('listing.published', delivered!.data, { jobId: `redelivery-${id}` });
    await again.finished();
    const after = await settled(cz.adminToken, id, { sreality: 'active', webhook: 'removed' });
    expect(after.find((r) => r.portal === 'webhook')).toMatchObject({ status: 'removed', held: true });
    expect(webhook.listings.has(id)).toBe(false);
  });

  it('sends German listings as OpenImmo, with the photos in the transfer', async () => {
    const { id, rows: done } = await published(
      de.adminToken,
      { openimmo: 'active', webhook: 'active' },
      IN_BERLIN,
    );
    const oi = done.find((r) => r.portal === 'openimmo')!;
    const object = openimmo.objects.get(oi.externalId!)!;
    expect(object).toMatchObject({ price: 450000, objektnrExtern: id });
    expect(object.photos).toHaveLength(2);
    await setStatus(de.adminToken, id, 'withdrawn').expect(200);
    await settled(de.adminToken, id, { openimmo: 'removed', webhook: 'removed' });
    expect(openimmo.objects.has(oi.externalId!)).toBe(false);
  });

  it('turning a portal on while Redis refuses its job is a 503; repeating the request plans the listings', async () => {
    const org = await createOrganization(
      http(),
      await registerAndLogin(http(), 'synd-retry-on'),
      'Retry Realty',
    );
    await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
    const id = await listing(org.adminToken);
    await setStatus(org.adminToken, id, 'published').expect(200);
    const queue = env.server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    // The listing's own event is handled first (no portal then), so only the turn-on can plan it.
    const published = await asOwner(env.server, (db) =>
      db.query(`SELECT id FROM outbox WHERE aggregate_id = $1 AND type = 'listing.published'`, [id]),
    );
    await eventually(async () => (await (await queue.getJob(published.rows[0].id))?.isCompleted()) ?? false);
    const add = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      const refused = await put(org.adminToken, 'sreality', {
        credentials: SRE,
        options: { endpoint: sreality.url },
      }).expect(503);
      expect(refused.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(refused.headers['retry-after']).toBe('5');
      expect(add).toHaveBeenCalled();
    } finally {
      add.mockRestore();
    }
    expect(await rows(org.adminToken, id)).toEqual([]); // saved, nothing planned
    await put(org.adminToken, 'sreality', {}).expect(200);
    await settled(org.adminToken, id, { sreality: 'active' });
    expect(sreality.adverts.has(id)).toBe(true);
  });

  it('turning a portal on puts the listings on the market there; one it would refuse gets a failed row saying why', async () => {
    const late = await createOrganization(http(), await registerAndLogin(http(), 'synd-late'), 'Late Realty');
    await put(late.adminToken, 'reality-portal', { enabled: false }).expect(200);
    const good = await listing(late.adminToken);
    const short = await listing(late.adminToken, { description: 'Too short for Sreality.' });
    // The worker holds its jobs, so the listings' own events are planned only after the portal is on:
    // the portal's rules must apply to them too, not just to the listings the turn-on job plans.
    const queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    await queue.pause(true);
    try {
      for (const id of [good, short]) await setStatus(late.adminToken, id, 'published').expect(200);
      expect(await rows(late.adminToken, good)).toEqual([]);
      await put(late.adminToken, 'sreality', {
        credentials: SRE,
        options: { endpoint: sreality.url },
      }).expect(200);
    } finally {
      await queue.resume(true);
    }
    await settled(late.adminToken, good, { sreality: 'active' });
    const refused = await settled(late.adminToken, short, { sreality: 'failed' });
    expect(refused[0]).toMatchObject({ lastErrorCode: 'PREFLIGHT_FAILED', attempts: 0 });
    expect(refused[0].lastError).toMatch(/description/i);
    expect(sreality.adverts.has(short)).toBe(false);

    // Fixing the listing puts it there.
    await request(http())
      .patch(`/api/v1/listings/${short}`)
      .set(bearer(late.adminToken))
      .send({
        description: 'Now a proper description of the flat, its balcony, the cellar and the quiet street.',
      })
      .expect(200);
    await settled(late.adminToken, short, { sreality: 'active' });
    expect(sreality.adverts.has(short)).toBe(true);
  });

  it.each([
    ['pending', 'planned while Redis was down: no job behind it'],
    ['syncing', 'claimed by a job Bull then failed without our handler'],
  ])('queues again a row left %s for 20 minutes (%s; the nightly pass does it)', async (status) => {
    const { id } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    sreality.adverts.delete(id);
    await asOwner(env.server, (db) =>
      db.query(
        `UPDATE listing_syndications SET status = $2, updated_at = now() - interval '20 minutes'
          WHERE listing_id = $1 AND portal = 'sreality'`,
        [id, status],
      ),
    );
    const reconciliation = env.worker!.get(SyndicationReconciliation, { strict: false });
    expect(await reconciliation.requeueStuck(cz.id)).toBe(1);
    await settled(cz.adminToken, id, { sreality: 'active' });
    expect(sreality.adverts.has(id)).toBe(true);
    expect(await reconciliation.requeueStuck(cz.id)).toBe(0);
  });

  it('a retry lists again an advert whose job had completed (the portal took it down since)', async () => {
    const { id, rows: before } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    const sre = before.find((r) => r.portal === 'sreality')!;
    // What the portal's "removed" webhook does: the active row fails; its job stays completed in Bull.
    sreality.adverts.delete(id);
    await asOwner(env.server, (db) =>
      db.query(
        `UPDATE listing_syndications SET status = 'failed', last_error_code = 'PORTAL_REMOVED' WHERE id = $1`,
        [sre.id],
      ),
    );
    await request(http())
      .post('/api/v1/syndication/retry')
      .set(bearer(cz.adminToken))
      .send({ ids: [sre.id] })
      .expect(200);
    await settled(cz.adminToken, id, { sreality: 'active' });
    expect(sreality.adverts.has(id)).toBe(true);
  });

  it('a retry Redis refuses after the commit is still 200; the row waits for the nightly pass', async () => {
    const { id, rows: before } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    const sre = before.find((r) => r.portal === 'sreality')!;
    sreality.adverts.delete(id);
    await asOwner(env.server, (db) =>
      db.query(`UPDATE listing_syndications SET status = 'failed' WHERE id = $1`, [sre.id]),
    );
    const queue = env.server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    const getJob = jest.spyOn(queue, 'getJob').mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      const res = await request(http())
        .post('/api/v1/syndication/retry')
        .set(bearer(cz.adminToken))
        .send({ ids: [sre.id] })
        .expect(200);
      expect(res.body.queued).toBe(1);
      expect(getJob).toHaveBeenCalled();
    } finally {
      getJob.mockRestore();
    }
    const waiting = (await rows(cz.adminToken, id)).find((r) => r.portal === 'sreality')!;
    expect(waiting.status).toBe('pending');
    await asOwner(env.server, (db) =>
      db.query(`UPDATE listing_syndications SET updated_at = now() - interval '20 minutes' WHERE id = $1`, [
        sre.id,
      ]),
    );
    const reconciliation = env.worker!.get(SyndicationReconciliation, { strict: false });
    expect(await reconciliation.requeueStuck(cz.id)).toBe(1);
    await settled(cz.adminToken, id, { sreality: 'active' });
    expect(sreality.adverts.has(id)).toBe(true);
  });

  it('a withdrawal Redis refuses after the commit is still 200; the row waits for the nightly pass', async () => {
    const { id } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    const queue = env.server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    const getJob = jest.spyOn(queue, 'getJob').mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      const res = await request(http())
        .post('/api/v1/syndication/withdraw')
        .set(bearer(cz.adminToken))
        .send({ listingId: id, portals: ['sreality'] })
        .expect(200);
      expect(res.body.queued).toBe(1);
      expect(getJob).toHaveBeenCalled();
    } finally {
      getJob.mockRestore();
    }
    const waiting = (await rows(cz.adminToken, id)).find((r) => r.portal === 'sreality')!;
    expect(waiting).toMatchObject({ status: 'removing', held: true });
    expect(sreality.adverts.has(id)).toBe(true);
    await asOwner(env.server, (db) =>
      db.query(`UPDATE listing_syndications SET updated_at = now() - interval '20 minutes' WHERE id = $1`, [
        waiting.id,
      ]),
    );
    const reconciliation = env.worker!.get(SyndicationReconciliation, { strict: false });
    expect(await reconciliation.requeueStuck(cz.id)).toBe(1);
    await settled(cz.adminToken, id, { sreality: 'removed', webhook: 'active' });
    expect(sreality.adverts.has(id)).toBe(false);
  });

  it('turning a portal off takes every listing off it; then it can be deleted', async () => {
    const off = await createOrganization(
      http(),
      await registerAndLogin(http(), 'synd-off'),
      'Closing Realty',
    );
    await put(off.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(off.adminToken, 'sreality', { credentials: SRE, options: { endpoint: sreality.url } }).expect(
      200,
    );
    const ids = [await listing(off.adminToken), await listing(off.adminToken)];
    for (const id of ids) await setStatus(off.adminToken, id, 'published').expect(200);
    for (const id of ids) await settled(off.adminToken, id, { sreality: 'active' });
    const conflict = await request(http())
      .delete('/api/v1/syndication/portals/sreality')
      .set(bearer(off.adminToken))
      .expect(409);
    expect(conflict.body.error.message).toMatch(/disable the portal/);

    await put(off.adminToken, 'sreality', { enabled: false }).expect(200);
    for (const id of ids) {
      const [row] = await settled(off.adminToken, id, { sreality: 'removed' });
      expect(row.history.map((h) => h.to).slice(-2)).toEqual(['removing', 'removed']);
      expect(sreality.adverts.has(id)).toBe(false);
    }
    await request(http())
      .delete('/api/v1/syndication/portals/sreality')
      .set(bearer(off.adminToken))
      .expect(204);
  });

  it('our own portal: a feed job the portal failed for good does not swallow the next attempt', async () => {
    const own = await createOrganization(http(), await registerAndLogin(http(), 'synd-own'), 'Own Realty');
    const id = await listing(own.adminToken);
    const feed = portalWorker();
    feed.failFirst.add(id);
    await setStatus(own.adminToken, id, 'published').expect(200);
    const [row] = await settled(own.adminToken, id, { 'reality-portal': 'active' });
    expect(feed.received(id)).toBe(2);
    expect(feed.shown.get(id)).toMatchObject({ status: 'published' });
    expect(row).toMatchObject({ attempts: 2, externalId: id });
    expect(row.externalUrl).toMatch(new RegExp(`/listings/${id}$`));
  });

  it('our own portal: turned off and on again, it shows the unchanged listing again', async () => {
    const own = await createOrganization(
      http(),
      await registerAndLogin(http(), 'synd-toggle'),
      'Toggling Realty',
    );
    const id = await listing(own.adminToken);
    const feed = portalWorker();
    await setStatus(own.adminToken, id, 'published').expect(200);
    await settled(own.adminToken, id, { 'reality-portal': 'active' });
    expect(feed.shown.get(id)).toMatchObject({ status: 'published' });

    await put(own.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await settled(own.adminToken, id, { 'reality-portal': 'removed' });
    const removal = feed.shown.get(id)!;
    expect(removal.status).toBe('withdrawn');

    // Back on without any change of the listing: the same listing version goes out again.
    await put(own.adminToken, 'reality-portal', { enabled: true }).expect(200);
    const [row] = await settled(own.adminToken, id, { 'reality-portal': 'active' });
    expect(row.history.map((h) => h.to).slice(-4)).toEqual(['removed', 'pending', 'syncing', 'active']);
    const back = feed.shown.get(id)!;
    expect(back.status).toBe('published');
    expect(back.version).toBeGreaterThan(removal.version);
  });

  it('keeps organisations apart: status, retries and withdrawals of another organisation are invisible', async () => {
    const { id, rows: mine } = await published(cz.adminToken, { sreality: 'active', webhook: 'active' });
    expect(await rows(de.adminToken, id)).toEqual([]);
    await request(http())
      .post('/api/v1/syndication/withdraw')
      .set(bearer(de.adminToken))
      .send({ listingId: id })
      .expect(404);
    await request(http())
      .post('/api/v1/syndication/retry')
      .set(bearer(de.adminToken))
      .send({ ids: mine.map((r) => r.id) })
      .expect(404);
    await request(http())
      .get(`/api/v1/syndication/preflight?listingId=${id}`)
      .set(bearer(de.adminToken))
      .expect(404);
    // Row-level security agrees: the German organisation's scope sees no Czech rows at all.
    const seen = await asOwner(env.server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SET LOCAL ROLE ppt_app`);
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [de.id]);
      const res = await db.query(
        `SELECT count(*)::int AS n FROM listing_syndications WHERE listing_id = $1`,
        [id],
      );
      await db.query('ROLLBACK');
      return res.rows[0].n as number;
    });
    expect(seen).toBe(0);
  });
});
