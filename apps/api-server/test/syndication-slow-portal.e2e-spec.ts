import { getQueueToken } from '@nestjs/bull';
import { QueueName, SyndicationJob } from '@ppt/queue';
import {
  eventually,
  sampleJpeg,
  startFakeSrealityPortal,
  startFakeWebhookPortal,
  type FakeSrealityPortal,
  type FakeWebhookPortal,
} from '@ppt/testing';
import type { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { bearer, createOrganization, registerAndLogin } from './identity';
import { SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 6161, password: 'import password', softwareKey: 'sw-key' };
/** The webhook portal answers every delivery after 30 s. */
const HANG_MS = 30_000;
const SLOTS = 2;
const LISTINGS = 5;

/**
 * One portal hangs (the webhook portal, 30 s per call) beside one that answers at once (Sreality):
 * the slow one must tie up only its own slots (SYNDICATION_PORTAL_CONCURRENCY), and the jobs
 * beyond them wait delayed in Redis, not in worker slots, so every other portal settles meanwhile.
 */
describe('one slow portal never holds back the others', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  let webhook: FakeWebhookPortal;
  let org: { id: string; adminToken: string };
  let queue: Queue;
  const http = () => env.http();

  const rows = async (listingId: string) =>
    (
      (
        await request(http())
          .get(`/api/v1/syndication/status?listingId=${listingId}`)
          .set(bearer(org.adminToken))
          .expect(200)
      ).body.items as { portal: string; status: string }[]
    ).reduce<Record<string, string>>((all, row) => ({ ...all, [row.portal]: row.status }), {});

  async function publish(i: number): Promise<string> {
    const photo = (
      await uploadDocument(http(), org.adminToken, sampleJpeg(4096), 'room.jpg', {
        category: 'photo',
      }).expect(201)
    ).body.id;
    const id = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(org.adminToken))
        .send({
          transaction: 'sale',
          propertyType: 'apartment',
          title: `Bright 3+1 near the park, no. ${i}`,
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
          ...SREALITY_FLAT,
        })
        .expect(201)
    ).body.id as string;
    await request(http())
      .post(`/api/v1/listings/${id}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'published' })
      .expect(200);
    return id;
  }

  beforeAll(async () => {
    sreality = await startFakeSrealityPortal([SRE]);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    webhook = await startFakeWebhookPortal([secret], { latencyMs: HANG_MS });
    env = await bootDocumentsServer({
      worker: true,
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNDICATION_BACKOFF_MS: '20',
        SYNDICATION_JOB_ATTEMPTS: '3',
        // Longer than the hang: the slow portal answers in the end, it does not time out.
        SYNDICATION_PORTAL_TIMEOUT_MS: String(HANG_MS + 15_000),
        SYNDICATION_PORTAL_CONCURRENCY: String(SLOTS),
      },
    });
    queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    org = await createOrganization(http(), await registerAndLogin(http(), 'slow-portal'), 'Czech Realty');
    const put = (portal: string, body: Record<string, unknown>) =>
      request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(org.adminToken)).send(body);
    // Our own portal is done when the Reality Portal's worker applied the feed; no such worker runs here.
    await put('reality-portal', { enabled: false }).expect(200);
    await put('sreality', { credentials: SRE, options: { endpoint: sreality.url } }).expect(200);
    await put('webhook', { credentials: { secrets: [secret] }, options: { endpoint: webhook.url } }).expect(
      200,
    );
  }, 90_000);
  afterAll(async () => {
    await env?.close();
    await Promise.all([sreality?.close(), webhook?.close()]);
  });

  it('the other portals settle while the hanging one holds only its own slots; it settles too in the end', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= LISTINGS; i++) ids.push(await publish(i));

    // Every listing reaches Sreality while the webhook portal has not answered once.
    let last: Record<string, string>[] = [];
    await eventually(async () => {
      last = await Promise.all(ids.map(rows));
      return last.every((s) => s.sreality === 'active') ? true : undefined;
    }, 2 * HANG_MS).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
    // The property: all of that happened before the slow portal's first answer.
    expect(webhook.deliveries).toHaveLength(0);
    const webhookRows = (await Promise.all(ids.map(rows))).map((s) => s.webhook);
    expect(webhookRows.every((status) => status === 'pending' || status === 'syncing')).toBe(true);
    // It holds no more calls than its slots; the rest wait as delayed jobs, not in worker slots.
    expect(webhook.open).toBeLessThanOrEqual(SLOTS);
    expect(webhook.maxOpen).toBeLessThanOrEqual(SLOTS);
    const deferred = (await queue.getCompleted(0, 1000)).filter(
      (job) =>
        job.name === SyndicationJob.PortalSync && String(job.returnvalue?.result) === 'deferred:portal-full',
    );
    // Sreality has the same limit, so some of its five jobs waited their turn too, briefly.
    expect(deferred.some((job) => job.data.portal === 'webhook')).toBe(true);

    // In the end the slow portal gets every listing, never more than its slots at a time.
    await eventually(
      async () =>
        (await Promise.all(ids.map(rows))).every((s) => s.webhook === 'active') ? true : undefined,
      // Its backlog polls with a growing delay (up to 30 s), so allow a poll interval per wave.
      Math.ceil(LISTINGS / SLOTS) * (HANG_MS + 30_000) + 30_000,
    );
    expect(webhook.maxOpen).toBe(SLOTS);
    expect(new Set(webhook.deliveries.map((d) => d.id)).size).toBe(LISTINGS);
  }, 360_000);

  it('a job whose listing is busy on the portal is deferred instead of waiting for the lock', async () => {
    // A change while the listing's webhook call hangs: the new version's job finds the lock taken.
    const id = await publish(99);
    await eventually(async () => ((await rows(id)).webhook === 'syncing' ? true : undefined), 30_000);
    await request(http())
      .patch(`/api/v1/listings/${id}`)
      .set(bearer(org.adminToken))
      .send({ priceAmount: 879000000 })
      .expect(200);
    await eventually(async () => {
      const busy = (await queue.getCompleted(0, 2000)).filter(
        (j) =>
          j.name === SyndicationJob.PortalSync &&
          j.data.listingId === id &&
          j.data.portal === 'webhook' &&
          String(j.returnvalue?.result) === 'deferred:listing-busy',
      );
      return busy.length > 0 ? true : undefined;
    }, 20_000);
    // And the newer version is what ends on the portal.
    await eventually(async () => ((await rows(id)).webhook === 'active' ? true : undefined), 5 * HANG_MS);
    expect(webhook.listings.get(id)).toMatchObject({ priceAmount: 879000000 });
  }, 240_000);
});
