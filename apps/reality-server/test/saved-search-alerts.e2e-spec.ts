import { getQueueToken } from '@nestjs/bull';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ListingSnapshot } from '@ppt/events';
import { createWorkerApp } from '@ppt/http';
import { NotificationJob, QueueName, type SavedSearchAlertData } from '@ppt/queue';
import { bootTestApp, type BootedApp } from '@ppt/testing';
import type { Job, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { PortalListingsRepository } from '../src/modules/listings/portal-listings.repository';
import { SavedSearchAlertsService } from '../src/modules/saved-search-alerts/saved-search-alerts.service';
import { RealityServerEnv } from '../src/reality-server.env';
import { WorkerModule } from '../src/worker.module';
import { bootRealityServer, type BootedRealityServer } from './boot';

const ALERTS = {
  SAVED_SEARCH_ALERT_SECRET: 'a saved-search alert secret of 32+ characters',
  REALITY_PUBLIC_URL: 'https://portal-api.example.test',
  PORTAL_WEB_URL: 'https://portal.example.test',
};

/**
 * Saved-search alerts (issue #20, item 4): the portal worker collects listings published since each
 * due search's watermark and queues one e-mail per visitor on the notifications queue (api-server's
 * worker sends it: notification-delivery.e2e-spec checks that e-mail); the unsubscribe link works
 * without signing in.
 */
describe('saved-search alerts', () => {
  let portal: BootedRealityServer;
  let worker: BootedApp<NestExpressApplication, RealityServerEnv>;
  let owner: Client;
  const organizationId = randomUUID();
  const http = () => portal.app.getHttpServer();
  const queue = () => portal.app.get<Queue>(getQueueToken(QueueName.Notifications), { strict: false });
  const alerts = () => worker.app.get(SavedSearchAlertsService, { strict: false });
  const alertJobs = async (userId: string) =>
    (
      (await queue().getJobs([
        'waiting',
        'delayed',
        'active',
        'completed',
        'failed',
      ])) as Job<SavedSearchAlertData>[]
    ).filter((j) => j.name === NotificationJob.SavedSearchAlert && j.data.userId === userId);

  async function listing(overrides: Partial<ListingSnapshot>): Promise<string> {
    const id = randomUUID();
    await worker.app.get(PortalListingsRepository, { strict: false }).apply(organizationId, 1, {
      listingId: id,
      status: 'published',
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Byt 2+kk',
      description: 'Světlý byt',
      priceAmount: 2_000_000,
      currency: 'CZK',
      areaM2: 50,
      rooms: 2,
      floor: 3,
      energyClass: null,
      features: [],
      addressLine: 'Ulice 1',
      city: 'Praha',
      region: null,
      postalCode: '120 00',
      country: 'CZ',
      latitude: null,
      longitude: null,
      photoDocumentIds: [],
      contactUserId: null,
      publishedAt: new Date().toISOString(),
      ...overrides,
    });
    return id;
  }

  async function savedSearch(
    userId: string,
    name: string,
    filters: object,
    alert: string,
    alertedUntil: Date,
  ) {
    const { rows } = await owner.query(
      `INSERT INTO portal.saved_searches (user_id, name, filters, alert, alerted_until) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [userId, name, JSON.stringify(filters), alert, alertedUntil],
    );
    return rows[0].id as string;
  }

  beforeAll(async () => {
    portal = await bootRealityServer(ALERTS);
    worker = await bootTestApp(RealityServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), {
      ...ALERTS,
      DATABASE_URL: portal.db.portalUrl,
      REDIS_KEY_PREFIX: portal.env.REDIS_KEY_PREFIX,
    });
    owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await worker?.close();
    await portal?.close();
  });

  it('queues one e-mail per visitor with the new matches of each due search, once', async () => {
    const visitor = randomUUID();
    const hourAgo = new Date(Date.now() - 3600_000);
    const prague = await savedSearch(
      visitor,
      'Praha rentals',
      { city: 'Praha', transaction: 'rent' },
      'instant',
      hourAgo,
    );
    await savedSearch(visitor, 'Brno rentals', { city: 'Brno', transaction: 'rent' }, 'instant', hourAgo);
    // A daily alert sent an hour ago is not due; an "off" search never is.
    await savedSearch(visitor, 'Daily Praha', { city: 'Praha' }, 'daily', hourAgo);
    await savedSearch(visitor, 'Silent Praha', { city: 'Praha' }, 'off', hourAgo);
    const fresh = await listing({ title: 'Nový byt na Vinohradech', city: 'Praha' });
    await listing({
      title: 'Starý byt',
      city: 'Praha',
      publishedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    await listing({ title: 'Byt v Brně', city: 'Brno' });

    const first = await alerts().collect(new Date());
    expect(first.emails).toBeGreaterThanOrEqual(1);
    const jobs = await alertJobs(visitor);
    expect(jobs).toHaveLength(1);
    const data = jobs[0].data;
    expect(data.searches.map((s) => s.name).sort()).toEqual(['Brno rentals', 'Praha rentals']);
    const praha = data.searches.find((s) => s.name === 'Praha rentals');
    expect(praha?.listings).toEqual([
      {
        title: 'Nový byt na Vinohradech',
        url: `https://portal.example.test/listings/${fresh}`,
        price: '20000 CZK',
        city: 'Praha',
      },
    ]);
    expect(praha?.unsubscribeUrl).toMatch(
      /^https:\/\/portal-api\.example\.test\/api\/v1\/saved-searches\/unsubscribe\?token=/,
    );
    expect(data.unsubscribeAllUrl).toMatch(
      /^https:\/\/portal-api\.example\.test\/api\/v1\/saved-searches\/unsubscribe\?token=/,
    );

    // The watermark moved: nothing new, nothing queued.
    await alerts().collect(new Date());
    expect(await alertJobs(visitor)).toHaveLength(1);

    // One click, no sign-in: that search's alert is off; the others stay.
    const url = new URL(praha?.unsubscribeUrl as string);
    const page = await request(http()).get(`${url.pathname}${url.search}`).expect(200);
    expect(page.text).toContain('<form method="post"');
    const done = await request(http())
      .post(`${url.pathname}${url.search}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(done.body).toEqual({ unsubscribed: 1 });
    const { rows } = await owner.query(
      `SELECT name, alert FROM portal.saved_searches WHERE user_id = $1 ORDER BY name`,
      [visitor],
    );
    expect(rows).toEqual([
      { name: 'Brno rentals', alert: 'instant' },
      { name: 'Daily Praha', alert: 'daily' },
      { name: 'Praha rentals', alert: 'off' },
      { name: 'Silent Praha', alert: 'off' },
    ]);
    expect(prague).toBeDefined();

    // The "all alerts" link turns every one off.
    const all = new URL(data.unsubscribeAllUrl);
    const everything = await request(http()).post(`${all.pathname}${all.search}`).expect(200);
    expect(everything.body.unsubscribed).toBe(4);
  });

  it('refuses an altered token with 400 and changes nothing', async () => {
    const visitor = randomUUID();
    const id = await savedSearch(visitor, 'Kept', { city: 'Praha' }, 'instant', new Date());
    const token = alerts().tokens?.sign({ userId: visitor, searchId: id }) as string;
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const res = await request(http()).post(`/api/v1/saved-searches/unsubscribe?token=${altered}`).expect(400);
    expect(res.body.error.code).toBe('INVALID_UNSUBSCRIBE_TOKEN');
    await request(http()).get(`/api/v1/saved-searches/unsubscribe?token=${altered}`).expect(400);
    const { rows } = await owner.query(`SELECT alert FROM portal.saved_searches WHERE id = $1`, [id]);
    expect(rows).toEqual([{ alert: 'instant' }]);
  });
});
