import { ListingSyndication } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
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
import { getQueueToken } from '@nestjs/bull';
import { QueueName } from '@ppt/queue';
import { nextPragueMidnight } from '@ppt/syndication';
import type { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ImpossibleTransitionError, SyndicationService } from '@ppt/api-marketing-core';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';
import { IN_BERLIN, OI, SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 5151, password: 'import password', softwareKey: 'sw-key' };
const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;

interface Row {
  id: string;
  portal: string;
  status: string;
  externalId: string | null;
  lastErrorCode: string | null;
  lastError: string | null;
  portalStatus: string | null;
  portalMessage: string | null;
  attempts: number;
  wantedVersion: number;
}

/**
 * Issue #17: an organisation with Sreality, OpenImmo and the webhook portal enabled. Each listing
 * goes to the portals whose market fits it (or the ones a manager chose), pre-flight checks only
 * those, and each portal's refusal is kept in its own words beside our reason code.
 */
jest.setTimeout(60_000);

describe('portal choice per listing (Sreality, OpenImmo and webhook enabled together)', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  let openimmo: FakeOpenImmoPortal;
  let webhook: FakeWebhookPortal;
  const secret = whsec();
  const http = () => env.http();
  let org: { id: string; adminToken: string };
  let realtorToken: string;

  const put = (token: string, portal: string, body: Record<string, unknown>) =>
    request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(token)).send(body);
  const putPortals = (listingId: string, body: Record<string, unknown>, token = org.adminToken) =>
    request(http()).put(`/api/v1/listings/${listingId}/portals`).set(bearer(token)).send(body);
  const rows = async (listingId: string): Promise<Row[]> =>
    (
      await request(http())
        .get(`/api/v1/syndication/status?listingId=${listingId}`)
        .set(bearer(org.adminToken))
        .expect(200)
    ).body.items;
  /** The listing's rows once they are exactly `expected` (portal → status); says what they were if not. */
  const settled = async (listingId: string, expected: Record<string, string>) => {
    let last: Record<string, string> = {};
    try {
      return await eventually(async () => {
        const found = await rows(listingId);
        const now = Object.fromEntries(found.map((r) => [r.portal, r.status]));
        last = Object.fromEntries(
          found.map((r) => [
            r.portal,
            r.lastErrorCode ? `${r.status} ${r.lastErrorCode}: ${r.lastError}` : r.status,
          ]),
        );
        const same =
          Object.keys(now).length === Object.keys(expected).length &&
          Object.entries(expected).every(([p, s]) => now[p] === s);
        return same ? found : undefined;
      }, 20_000);
    } catch {
      throw new Error(`rows of ${listingId}: ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
    }
  };
  const setStatus = (id: string, status: string) =>
    request(http()).post(`/api/v1/listings/${id}/status`).set(bearer(org.adminToken)).send({ status });

  const photo = async () =>
    (
      await uploadDocument(http(), org.adminToken, sampleJpeg(4096), 'room.jpg', {
        category: 'photo',
      }).expect(201)
    ).body.id as string;

  async function listing(fields: Record<string, unknown> = {}): Promise<string> {
    const body = {
      transaction: 'sale',
      propertyType: 'apartment',
      title: 'Bright flat near the park',
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
      photoDocumentIds: [await photo(), await photo()],
      ...fields,
    };
    return (await request(http()).post('/api/v1/listings').set(bearer(org.adminToken)).send(body).expect(201))
      .body.id;
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
        SYNDICATION_JOB_ATTEMPTS: '3',
        SYNDICATION_PORTAL_TIMEOUT_MS: '5000',
      },
    });
    org = await createOrganization(
      http(),
      await registerAndLogin(http(), 'choice-admin'),
      'Česko-Deutsche Realty',
    );
    const realtor = await registerAndLogin(http(), 'choice-realtor');
    await addMember(http(), org.adminToken, org.id, realtor.email, 'realtor');
    realtorToken = (await login(http(), realtor.email, undefined, org.id)).accessToken;
    // Our own portal has its own end-to-end tests (reality-server); here the three external ones.
    await put(org.adminToken, 'reality-portal', { enabled: false }).expect(200);
    await put(org.adminToken, 'sreality', {
      credentials: SRE,
      options: { endpoint: sreality.url },
    }).expect(200);
    await put(org.adminToken, 'openimmo', {
      credentials: OI,
      options: {
        endpoint: openimmo.url,
        providerId: 'P-7',
        providerName: 'Česko-Deutsche Realty',
        technicalEmail: 'it@realty.example',
      },
    }).expect(200);
    await put(org.adminToken, 'webhook', {
      credentials: { secrets: [secret] },
      options: { endpoint: webhook.url },
    }).expect(200);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
    await Promise.all([sreality?.close(), openimmo?.close(), webhook?.close()]);
  });

  it('publishes a Czech listing to Sreality and the webhook only, a German one to OpenImmo and the webhook only', async () => {
    const czech = await listing(SREALITY_FLAT);
    const german = await listing(IN_BERLIN);

    // Neither is checked against the other market's portal: both publish without a 422.
    await setStatus(czech, 'published').expect(200);
    await setStatus(german, 'published').expect(200);

    const czRows = await settled(czech, { sreality: 'active', webhook: 'active' });
    const deRows = await settled(german, { openimmo: 'active', webhook: 'active' });
    expect(sreality.adverts.get(czech)?.data).toMatchObject({
      advert_rkid: czech,
      advert_lifetime: 4,
      building_type: 2,
      ownership: 1,
    });
    expect(sreality.adverts.has(german)).toBe(false);
    const oi = deRows.find((r) => r.portal === 'openimmo')!;
    expect(openimmo.objects.get(oi.externalId!)).toMatchObject({ objektnrExtern: german });
    expect([...openimmo.objects.values()].some((o) => o.objektnrExtern === czech)).toBe(false);
    expect(webhook.listings.has(czech) && webhook.listings.has(german)).toBe(true);
    expect(czRows.map((r) => r.portal).sort()).toEqual(['sreality', 'webhook']);

    const choice = await request(http())
      .get(`/api/v1/listings/${czech}/portals`)
      .set(bearer(realtorToken))
      .expect(200);
    expect(choice.body).toMatchObject({ listingId: czech, explicit: false });
    expect(
      Object.fromEntries(
        choice.body.portals.map((p: { portal: string; selected: boolean }) => [p.portal, p.selected]),
      ),
    ).toEqual({ sreality: true, openimmo: false, webhook: true });
  });

  it("pre-flight names, per selected portal, what is missing — and only for the listing's own portals", async () => {
    // A Czech flat without the building data Sreality needs: Sreality says so, OpenImmo is not asked.
    const id = await listing();
    const refused = await setStatus(id, 'published').expect(422);
    expect(refused.body.error.code).toBe('PORTAL_RULES_NOT_MET');
    expect(
      refused.body.error.details.map((d: { portal: string; field: string }) => `${d.portal}:${d.field}`),
    ).toEqual([
      'sreality:overrides.sreality.buildingType',
      'sreality:overrides.sreality.buildingCondition',
      'sreality:overrides.sreality.ownership',
    ]);
    const preflight = await request(http())
      .get(`/api/v1/syndication/preflight?listingId=${id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(preflight.body.portals.map((p: { portal: string }) => p.portal)).toEqual(['sreality', 'webhook']);

    // Invalid overrides are refused field by field; nothing is saved.
    const bad = await putPortals(id, {
      portals: null,
      overrides: { sreality: { buildingType: 'straw', estateAreaM2: -5 }, immowelt: {} },
    }).expect(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/overrides\.sreality\.buildingType/);
    expect(JSON.stringify(bad.body.error)).toMatch(/overrides\.sreality\.estateAreaM2/);
    expect(JSON.stringify(bad.body.error)).toMatch(/overrides\.immowelt/);

    await putPortals(id, { portals: null, overrides: SREALITY_FLAT.portalOverrides }).expect(200);
    await setStatus(id, 'published').expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });
  });

  it('a manager adds and removes portals for one listing; removing one withdraws it there only', async () => {
    const id = await listing(SREALITY_FLAT);
    await setStatus(id, 'published').expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });

    // A portal that is not enabled, or one whose rules the listing breaks: 422, nothing changes.
    await put(org.adminToken, 'openimmo', { enabled: false }).expect(200);
    try {
      const off = await putPortals(id, { portals: ['sreality', 'openimmo'] }).expect(422);
      expect(off.body.error.code).toBe('PORTAL_NOT_ENABLED');
    } finally {
      await put(org.adminToken, 'openimmo', { enabled: true }).expect(200);
    }
    const wrongMarket = await putPortals(id, { portals: ['sreality', 'openimmo', 'webhook'] }).expect(422);
    expect(wrongMarket.body.error.code).toBe('PORTAL_RULES_NOT_MET');
    expect(wrongMarket.body.error.details.every((d: { portal: string }) => d.portal === 'openimmo')).toBe(
      true,
    );
    expect(wrongMarket.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['currency', 'address.country']),
    );
    // Realtors read the choice but do not make it.
    await putPortals(id, { portals: ['sreality'] }, realtorToken).expect(403);

    const chosen = await putPortals(id, { portals: ['sreality'] }).expect(200);
    expect(chosen.body).toMatchObject({ explicit: true, queued: 1 });
    await settled(id, { sreality: 'active', webhook: 'removed' });
    expect(webhook.listings.has(id)).toBe(false);
    expect(sreality.adverts.has(id)).toBe(true);

    // Added back at the same listing version: a new delivery intent, so a new webhook-id the
    // receiver applies (the first message's id would be dropped as a duplicate).
    const before = webhook.deliveries.length;
    await putPortals(id, { portals: ['sreality', 'webhook'] }).expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });
    expect(webhook.listings.has(id)).toBe(true);
    expect(webhook.deliveries.slice(before)).toEqual([
      expect.objectContaining({ type: 'listing.published', duplicate: false }),
    ]);

    // Withdrawn from the webhook by a manager (held there), then named again: back on it.
    await request(http())
      .post('/api/v1/syndication/withdraw')
      .set(bearer(org.adminToken))
      .send({ listingId: id, portals: ['webhook'] })
      .expect(200);
    await settled(id, { sreality: 'active', webhook: 'removed' });
    await putPortals(id, { portals: ['sreality'] }).expect(200); // still held: nothing to do
    await settled(id, { sreality: 'active', webhook: 'removed' });
    await putPortals(id, { portals: ['sreality', 'webhook'] }).expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });

    // Back to the default selection.
    const reset = await putPortals(id, { portals: null }).expect(200);
    expect(reset.body.explicit).toBe(false);
  });

  it('a withdrawal and republication emits listing.republished and sends the webhook a new message', async () => {
    const id = await listing(SREALITY_FLAT);
    await setStatus(id, 'published').expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });
    await setStatus(id, 'withdrawn').expect(200);
    await settled(id, { sreality: 'removed', webhook: 'removed' });
    await setStatus(id, 'published').expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });
    expect(webhook.listings.has(id)).toBe(true);
    const events = await eventually(async () => {
      const found = await asOwner(env.server, (db) =>
        db.query(`SELECT payload FROM outbox WHERE type = 'listing.republished' AND aggregate_id = $1`, [id]),
      );
      return found.rows.length ? found.rows : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ listingId: id });
    expect([...events[0].payload.portals].sort()).toEqual(['sreality', 'webhook']);
  });

  it("keeps Sreality's refusal in its own words beside our reason code, as one short line", async () => {
    sreality.failNext(
      1,
      452,
      'Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (usable_area)',
      'addAdvert',
    );
    const id = await listing(SREALITY_FLAT);
    await setStatus(id, 'published').expect(200);
    const done = await settled(id, { sreality: 'failed', webhook: 'active' });
    expect(done.find((r) => r.portal === 'sreality')).toMatchObject({
      lastErrorCode: 'INCOMPLETE_DATA',
      lastError: 'Sreality addAdvert: status 452 (areaM2)',
      portalStatus: '452',
      portalMessage: 'Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (usable_area)',
      attempts: 1, // not retried: the data must change
    });
  });

  it("Sreality's daily limit (481) holds the job until midnight in Prague, the row saying why", async () => {
    sreality.setDailyLimit(0);
    try {
      const id = await listing(SREALITY_FLAT);
      await setStatus(id, 'published').expect(200);
      const waiting = await eventually(async () => {
        const row = (await rows(id)).find((r) => r.portal === 'sreality');
        return row?.status === 'pending' && row.lastErrorCode === 'DAILY_LIMIT' ? row : undefined;
      });
      expect(waiting).toMatchObject({ portalStatus: '481', attempts: 1 });
      const queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
      const job = (await queue.getJob(`sync:${id}:sreality:${waiting.wantedVersion}:list`))!;
      expect(await job.isDelayed()).toBe(true);
      // Bull keeps delayed jobs in a sorted set scored by (run-at ms × 4096 + a counter).
      const score = Number(await queue.client.zscore(queue.toKey('delayed'), String(job.id)));
      const runAt = Math.floor(score / 4096);
      const midnight = nextPragueMidnight().getTime();
      expect(runAt).toBeGreaterThanOrEqual(midnight);
      expect(runAt).toBeLessThan(midnight + 60_000);
      // The test does not wait for midnight: the job goes, and the listing leaves the market.
      await job.remove();
      sreality.setDailyLimit(null);
      await setStatus(id, 'withdrawn').expect(200);
      await settled(id, { sreality: 'removed', webhook: 'removed' });
    } finally {
      sreality.setDailyLimit(null);
    }
  });

  it('refused credentials stop the portal’s jobs and tell the manager until new ones are saved', async () => {
    await put(org.adminToken, 'sreality', { credentials: { ...SRE, password: 'wrong' } }).expect(200);
    try {
      const first = await listing(SREALITY_FLAT);
      await setStatus(first, 'published').expect(200);
      const failed = await settled(first, { sreality: 'failed', webhook: 'active' });
      expect(failed.find((r) => r.portal === 'sreality')).toMatchObject({
        lastErrorCode: 'INVALID_LOGIN',
        portalStatus: '407',
        attempts: 1,
      });
      const portals = await request(http())
        .get('/api/v1/syndication/portals')
        .set(bearer(org.adminToken))
        .expect(200);
      expect(
        portals.body.items.find((p: { portal: string }) => p.portal === 'sreality').credentialsRejectedAt,
      ).not.toBeNull();
      const told = await asOwner(env.server, (db) =>
        db.query(
          `SELECT payload FROM outbox WHERE type = 'syndication.credentials_rejected' AND organization_id = $1`,
          [org.id],
        ),
      );
      expect(told.rows).toEqual([
        { payload: { portal: 'sreality', errorCode: 'INVALID_LOGIN', portalStatus: '407' } },
      ]);

      // The managers are told in-app (realtors are not: they cannot fix it).
      const inbox = await request(http())
        .get('/api/v1/notifications')
        .set(bearer(org.adminToken))
        .expect(200);
      expect(inbox.body.items.filter((n: { type: string }) => n.type === 'portal_credentials')).toEqual([
        expect.objectContaining({ title: 'sreality refused our login' }),
      ]);
      const realtorInbox = await request(http())
        .get('/api/v1/notifications')
        .set(bearer(realtorToken))
        .expect(200);
      expect(realtorInbox.body.items.some((n: { type: string }) => n.type === 'portal_credentials')).toBe(
        false,
      );

      // The next listing does not even try the portal with the refused credentials.
      const callsBefore = sreality.calls.length;
      const second = await listing(SREALITY_FLAT);
      await setStatus(second, 'published').expect(200);
      const stopped = await settled(second, { sreality: 'failed', webhook: 'active' });
      expect(stopped.find((r) => r.portal === 'sreality')?.lastErrorCode).toBe('INVALID_LOGIN');
      expect(sreality.calls.length).toBe(callsBefore);
    } finally {
      await put(org.adminToken, 'sreality', { credentials: SRE }).expect(200);
    }
    const portals = await request(http())
      .get('/api/v1/syndication/portals')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(
      portals.body.items.find((p: { portal: string }) => p.portal === 'sreality').credentialsRejectedAt,
    ).toBeNull();
  });

  it('an impossible transition of a syndication row is refused (and nothing changes)', async () => {
    const id = await listing(SREALITY_FLAT);
    await setStatus(id, 'published').expect(200);
    await settled(id, { sreality: 'active', webhook: 'active' });
    const service = env.worker!.get(SyndicationService, { strict: false });
    const tenant = env.worker!.get(TenantTransactions, { strict: false });
    await expect(
      tenant.run({ organizationId: org.id }, async (m) => {
        const row = await m.findOneByOrFail(ListingSyndication, {
          organizationId: org.id,
          listingId: id,
          portal: 'sreality',
        });
        await service.move(m, row, 'removed', 'a bug');
      }),
    ).rejects.toBeInstanceOf(ImpossibleTransitionError);
    expect((await rows(id)).find((r) => r.portal === 'sreality')?.status).toBe('active');
  });
});
