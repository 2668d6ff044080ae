import type { NestExpressApplication } from '@nestjs/platform-express';
import { createWorkerApp } from '@ppt/http';
import { QueueName, SyndicationJob } from '@ppt/queue';
import { bootTestApp, eventually, TEST_REDIS_URL, type BootedApp } from '@ppt/testing';
import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { RealityServerEnv } from '../src/reality-server.env';
import { WorkerModule } from '../src/worker.module';
import { ApiServerPeer } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

interface PortalReconciliation {
  organizationId: string;
  portal: string;
  mode: string;
  adverts: number;
  drift: Record<string, number>;
}

/**
 * Issue #17 item 6 for our own portal, with every process really running (api-server and its worker
 * as processes, the portal and its worker here): the nightly reconciliation compares the portal's
 * read model with our listings and repairs the drift through portal-sync jobs, and the operator's
 * `portal:rebuild` replays every listing into a read model that lost its rows.
 */
describe('Reality Portal read model: nightly diff and rebuild', () => {
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let worker: BootedApp<NestExpressApplication, RealityServerEnv>;
  let manager: { id: string; token: string };
  let owner: Client;
  let syndication: Bull.Queue;
  const http = () => portal.app.getHttpServer();
  const pm = (method: string, path: string, body?: unknown) => peer.call(method, path, manager.token, body);
  const shown = async (id: string) => (await request(http()).get(`/api/v1/listings/${id}`)).status === 200;
  const price = async (id: string) => (await request(http()).get(`/api/v1/listings/${id}`)).body.priceAmount;

  async function publishedListing(title: string): Promise<string> {
    const created = await pm('POST', '/api/v1/listings', {
      transaction: 'rent',
      propertyType: 'apartment',
      title,
      description: 'Po rekonstrukci.',
      priceAmount: 2450000,
      currency: 'CZK',
      areaM2: 54,
      rooms: 2,
      addressLine: 'Slezská 12',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await pm('POST', `/api/v1/listings/${id}/status`, { status: 'published' })).status).toBe(200);
    await eventually(() => shown(id), 20_000);
    return id;
  }
  const reconcile = async () => {
    const job = await syndication.add(SyndicationJob.Reconcile, {}, { jobId: `test-${randomUUID()}`, attempts: 1 });
    return (await job.finished()) as { portals: PortalReconciliation[]; failed: unknown[]; drift: number };
  };

  beforeAll(async () => {
    peer = await ApiServerPeer.start({ worker: true });
    portal = await bootRealityServer(peer.portalEnv());
    worker = await bootTestApp(RealityServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), {
      ...peer.portalEnv(),
      DATABASE_URL: portal.db.portalUrl,
    });
    const admin = await peer.registerAndLogin('read-model-admin');
    manager = await peer.createOrganization(admin.accessToken);
    owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
    syndication = new Bull(QueueName.Syndication, TEST_REDIS_URL, { prefix: `${peer.redisPrefix}bull` });
  }, 180_000);
  afterAll(async () => {
    await syndication?.close();
    await owner?.end();
    await worker?.close();
    await portal?.close();
    await peer?.dispose();
  });

  it('finds what the read model lost or got wrong, repairs it, and finds nothing the second time', async () => {
    const [lost, repriced, untouched] = [
      await publishedListing('Byt ztracený'),
      await publishedListing('Byt přeceněný'),
      await publishedListing('Byt v pořádku'),
    ];
    // Behind our back: a row lost (an old backup), a price changed, a listing we never had.
    await owner.query(`DELETE FROM portal.listings WHERE id = $1`, [lost]);
    await owner.query(`UPDATE portal.listings SET price_amount = 1 WHERE id = $1`, [repriced]);
    const stranger = randomUUID();
    await owner.query(`CREATE TEMP TABLE stranger AS SELECT * FROM portal.listings WHERE id = $1`, [untouched]);
    await owner.query(`UPDATE stranger SET id = $1, title = 'Cizí byt', version = 1`, [stranger]);
    await owner.query(`INSERT INTO portal.listings SELECT * FROM stranger`);
    expect(await shown(lost)).toBe(false);
    expect(await shown(stranger)).toBe(true);

    const first = await reconcile();
    expect(first.failed).toEqual([]);
    expect(first.portals.find((p) => p.organizationId === manager.id)).toMatchObject({
      portal: 'reality-portal',
      mode: 'compare',
      adverts: 3,
      drift: { missing: 1, price: 1, unknown: 1 },
    });
    await eventually(() => shown(lost), 20_000);
    await eventually(async () => (await price(repriced)) === 2450000, 20_000);
    await eventually(async () => !(await shown(stranger)), 20_000);
    expect(await shown(untouched)).toBe(true);

    // Once the repairs are through, nothing differs.
    const second = await eventually(async () => {
      const run = await reconcile();
      const mine = run.portals.find((p) => p.organizationId === manager.id);
      return mine && Object.keys(mine.drift).length === 0 && mine;
    }, 30_000);
    expect(second).toMatchObject({ adverts: 3, drift: {} });
  });

  it('rebuilds a read model that lost every row from the current listings (npm run admin -- portal:rebuild)', async () => {
    const ids = [await publishedListing('Byt A'), await publishedListing('Byt B')];
    const withdrawn = await publishedListing('Byt stažený');
    expect((await pm('POST', `/api/v1/listings/${withdrawn}/status`, { status: 'withdrawn' })).status).toBe(200);
    await eventually(async () => !(await shown(withdrawn)), 20_000);

    await owner.query(`DELETE FROM portal.listings`);
    for (const id of ids) expect(await shown(id)).toBe(false);

    const printed = await peer.admin(['portal:rebuild', '--organization', manager.id, '--wait']);
    const summary = JSON.parse(printed.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    expect(summary).toMatchObject({ organizations: 1, inFlight: 0 });
    expect(summary.replayed).toBeGreaterThanOrEqual(ids.length + 1);

    for (const id of ids) await eventually(() => shown(id), 20_000);
    // Every listing we have went back, the withdrawn one as withdrawn (kept, not shown).
    const rows = await eventually(async () => {
      const r = await owner.query(`SELECT id, status FROM portal.listings WHERE id = $1`, [withdrawn]);
      return r.rows[0] as { status: string } | undefined;
    }, 20_000);
    expect(rows.status).toBe('withdrawn');
    await expect(peer.admin(['portal:rebuild', '--organization', 'not-an-id'])).rejects.toThrow(
      /--organization must be an organisation id/,
    );
  });
});
