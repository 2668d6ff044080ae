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
import { RedisConnections } from '@ppt/redis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { bearer, createOrganization, registerAndLogin } from './identity';
import { SREALITY_FLAT } from './syndication-fixtures';

const SRE = { clientId: 6262, password: 'import password', softwareKey: 'sw-key' };
/** Every portal call takes this long, so the job is mid-call when its worker dies. */
const PORTAL_LATENCY_MS = 700;

interface Row {
  status: string;
  attempts: number;
  externalId: string | null;
  lastError?: string | null;
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
      // The spawned workers call the local Sreality on loopback: allow-listed explicitly.
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
    };
    env = await bootDocumentsServer({ env: shared });
    const s = env.server.env;
    workerEnv = {
      ...shared,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: env.server.db.workerUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: s.REDIS_KEY_PREFIX,
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      AUTH_ISSUER: 'http://api.test',
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: env.storageRoot,
      STORAGE_PUBLIC_BASE_URL: `${env.baseUrl}/api/v1/storage`,
    };
  }, 60_000);

  /** A new organisation publishing to Sreality only. */
  async function sreallyOnly(name: string): Promise<string> {
    const org = await createOrganization(http(), await registerAndLogin(http(), name), `${name} Realty`);
    for (const [portal, body] of [
      ['reality-portal', { enabled: false }],
      ['sreality', { credentials: SRE, options: { endpoint: sreality.url } }],
    ] as const)
      await request(http())
        .put(`/api/v1/syndication/portals/${portal}`)
        .set(bearer(org.adminToken))
        .send(body)
        .expect(200);
    return org.adminToken;
  }

  /** A listing with two photos, published: its Sreality job makes several slow calls. */
  async function publishListing(token: string): Promise<{ id: string; photos: string[] }> {
    const photos: string[] = [];
    for (let i = 0; i < 2; i++)
      photos.push(
        (
          await uploadDocument(http(), token, sampleJpeg(5000 + i), `room-${i}.jpg`, {
            category: 'photo',
          }).expect(201)
        ).body.id,
      );
    const id = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(token))
        .send({
          transaction: 'sale',
          propertyType: 'apartment',
          ...SREALITY_FLAT,
          title: 'Flat near the park',
          description: 'A quiet flat on the second floor with a balcony and a cellar, near the tram stop.',
          priceAmount: 590000000,
          currency: 'CZK',
          areaM2: 58,
          rooms: 2,
          addressLine: 'Korunní 20',
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
          photoDocumentIds: photos,
        })
        .expect(201)
    ).body.id as string;
    await request(http())
      .post(`/api/v1/listings/${id}/status`)
      .set(bearer(token))
      .send({ status: 'published' })
      .expect(200);
    return { id, photos };
  }

  const rowOf = async (token: string, id: string): Promise<Row | undefined> =>
    (await request(http()).get(`/api/v1/syndication/status?listingId=${id}`).set(bearer(token)).expect(200))
      .body.items[0];
  const rowIn = (token: string, id: string, status: string, timeoutMs = 40_000) =>
    eventually(async () => {
      const now = await rowOf(token, id);
      return now?.status === status ? now : undefined;
    }, timeoutMs);
  const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

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
    const token = await sreallyOnly('stall');
    const { id, photos } = await publishListing(token);
    const row = () => rowOf(token, id);

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

  it('renews the per-listing lock while the portal job runs, and lets it go at the end', async () => {
    if (alive().length === 0) await startWorker();
    const token = await sreallyOnly('renew');
    const locks = env.server.app.get(RedisConnections, { strict: false }).get('test-syndication-locks');
    const { id } = await publishListing(token);
    const key = `syndication:lock:${id}:sreality`;
    const expiry = async () => {
      const ttl = await locks.pttl(key);
      return ttl > 0 ? Date.now() + ttl : undefined;
    };
    const first = await eventually(expiry, 30_000);
    // Renewed every TTL/4 (2 s here): the expiry moves on while the slow calls go on.
    await eventually(async () => ((await expiry()) ?? 0) > first + 1000, 10_000);
    expect((await rowOf(token, id))?.status).toBe('syncing');
    await rowIn(token, id, 'active');
    expect(await locks.exists(key)).toBe(0);
  }, 60_000);

  it('a job that stalls twice ends failed with the reason (Bull fails it without our handler); a retry gets it there', async () => {
    if (alive().length === 0) await startWorker();
    const token = await sreallyOnly('stall-twice');
    const killMidCall = async (from: number) => {
      await eventually(() => sreality.calls.slice(from).includes('addAdvert'), 40_000);
      const [worker] = alive();
      worker.child.kill('SIGKILL');
      expect(await worker.exited).toBe(137);
      return sreality.calls.length; // nothing calls the portal until the next worker starts
    };
    const before = sreality.calls.length;
    const { id } = await publishListing(token);
    const afterFirst = await killMidCall(before);
    await startWorker(); // picks the stalled job up (stalled once: Bull runs it again)
    await killMidCall(afterFirst);
    await startWorker(); // stalled twice: Bull fails it without running our handler

    const failed = await rowIn(token, id, 'failed');
    expect(failed).toMatchObject({ attempts: 2, lastError: 'job stalled more than allowable limit' });
    expect(failed.history.map((h) => h.to)).toEqual(['pending', 'syncing', 'failed']);

    await request(http())
      .post('/api/v1/syndication/retry')
      .set(bearer(token))
      .send({ listingId: id })
      .expect(200);
    const done = await rowIn(token, id, 'active');
    expect(done.attempts).toBe(1);
    expect([...sreality.adverts.values()].filter((a) => a.data.advert_rkid === id)).toHaveLength(1);
  }, 150_000);
});
