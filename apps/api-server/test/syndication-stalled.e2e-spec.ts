import {
  closedPort,
  eventually,
  sampleJpeg,
  spawnEntryPoint,
  startFakeSrealityPortal,
  testSigningKey,
  TEST_REDIS_URL,
  waitForStatus,
  type FakeSrealityPortal,
  type SpawnedProcess,
} from '@ppt/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { bearer, createOrganization, registerAndLogin } from './identity';

const SRE = { clientId: 6262, password: 'import password', softwareKey: 'sw-key' };
/** Every portal call takes this long, so the job is mid-call when its worker dies. */
const PORTAL_LATENCY_MS = 700;

interface Row {
  status: string;
  attempts: number;
  externalId: string | null;
  history: { from: string | null; to: string }[];
}

/**
 * A worker process killed (SIGKILL) in the middle of a portal job: Bull notices the job's lock has
 * expired (QUEUE_LOCK_DURATION_MS / QUEUE_STALLED_INTERVAL_MS, shortened here), the job runs again in
 * the next worker, and the portal still holds one advert with one copy of each photo (the adapter
 * upserts by our ids).
 */
describe('a worker killed mid-job (real worker processes, Bull stall detection, local Sreality)', () => {
  let env: DocumentsServer;
  let sreality: FakeSrealityPortal;
  const workers: SpawnedProcess[] = [];
  let workerEnv: Record<string, string>;
  const http = () => env.http();

  async function startWorker(): Promise<SpawnedProcess> {
    const port = await closedPort();
    const worker = spawnEntryPoint('apps/api-server/src/worker.ts', {
      ...workerEnv,
      API_WORKER_PORT: String(port),
    });
    workers.push(worker);
    try {
      await waitForStatus(`http://127.0.0.1:${port}/health/ready`, (s) => s === 200, 60_000);
    } catch (err) {
      throw new Error(`worker did not start: ${(err as Error).message}\n${worker.output()}`);
    }
    return worker;
  }

  beforeAll(async () => {
    sreality = await startFakeSrealityPortal([SRE], { latencyMs: PORTAL_LATENCY_MS });
    const shared = {
      SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SYNDICATION_BACKOFF_MS: '20',
      // Also bounds the per-listing lock the dead worker leaves behind (4 × this).
      SYNDICATION_PORTAL_TIMEOUT_MS: '2000',
      QUEUE_LOCK_DURATION_MS: '1000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    };
    env = await bootDocumentsServer({ env: shared });
    const s = env.server.env;
    workerEnv = {
      ...shared,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: env.server.db.appUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: s.REDIS_KEY_PREFIX,
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      AUTH_ISSUER: 'http://api.test',
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: env.storageRoot,
      STORAGE_PUBLIC_BASE_URL: `${env.baseUrl}/api/v1/storage`,
    };
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    }
    await env?.close();
    await sreality?.close();
  });

  it('runs the stalled job again in a new worker, and the portal holds one advert with each photo once', async () => {
    const first = await startWorker();
    const org = await createOrganization(http(), await registerAndLogin(http(), 'stall'), 'Stalled Realty');
    const put = (portal: string, body: Record<string, unknown>) =>
      request(http())
        .put(`/api/v1/syndication/portals/${portal}`)
        .set(bearer(org.adminToken))
        .send(body)
        .expect(200);
    await put('reality-portal', { enabled: false });
    await put('sreality', { credentials: SRE, options: { endpoint: sreality.url } });
    const photos: string[] = [];
    for (let i = 0; i < 2; i++) {
      photos.push(
        (
          await uploadDocument(http(), org.adminToken, sampleJpeg(4096 + i), `room-${i}.jpg`, {
            category: 'photo',
          }).expect(201)
        ).body.id,
      );
    }
    const id = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(org.adminToken))
        .send({
          transaction: 'sale',
          propertyType: 'apartment',
          title: 'Flat with a view',
          description: 'A bright flat on the third floor with a balcony and a cellar, near the tram stop.',
          priceAmount: 650000000,
          currency: 'CZK',
          areaM2: 64,
          rooms: 2,
          addressLine: 'Vinohradská 10',
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
          photoDocumentIds: photos,
        })
        .expect(201)
    ).body.id as string;
    const row = async (): Promise<Row | undefined> =>
      (
        await request(http())
          .get(`/api/v1/syndication/status?listingId=${id}`)
          .set(bearer(org.adminToken))
          .expect(200)
      ).body.items[0];
    await request(http())
      .post(`/api/v1/listings/${id}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'published' })
      .expect(200);

    // The advert exists on the portal and the first photo is on its way: the job is mid-call.
    await eventually(() => sreality.calls.includes('addPhoto'), 30_000);
    expect((await row())?.status).toBe('syncing');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(137);
    await new Promise((resolve) => setTimeout(resolve, PORTAL_LATENCY_MS)); // the portal finishes that call
    const advertsBefore = [...sreality.adverts.values()].filter((a) => a.data.advert_rkid === id);
    expect(advertsBefore).toHaveLength(1);

    await startWorker();
    const done = await eventually(async () => {
      const now = await row();
      return now?.status === 'active' ? now : undefined;
    }, 40_000);

    // The job ran twice (claimed twice), and the portal holds exactly one copy.
    expect(sreality.calls.filter((c) => c === 'addAdvert')).toHaveLength(2);
    expect(done.attempts).toBe(2);
    expect(done.history.map((h) => h.to)).toEqual(['pending', 'syncing', 'active']);
    const adverts = [...sreality.adverts.values()].filter((a) => a.data.advert_rkid === id);
    expect(adverts).toHaveLength(1);
    expect(done.externalId).toBe(String(adverts[0].advertId));
    expect(adverts[0].advertId).toBe(advertsBefore[0].advertId);
    expect(adverts[0].photos.map((p) => p.rkid).sort()).toEqual([...photos].sort());
  }, 90_000);
});
