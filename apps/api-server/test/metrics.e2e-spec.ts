import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { bearer, createOrganization, registerAndLogin } from './identity';

/** One exposition line: metric name, its labels and the value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Distinct label sets of `name`'s samples (a histogram's `le` is not a label set of its own). */
function labelSets(samples: Sample[], name: string): Set<string> {
  const sets = new Set<string>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const { le: _bucket, ...labels } = s.labels;
    sets.add(JSON.stringify(Object.entries(labels).sort()));
  }
  return sets;
}

/**
 * Metrics completeness (issue #22, item 6) against the real api-server: label cardinality stays
 * bounded whatever URLs arrive, and each metric moves when its action happens.
 */
describe('metrics', () => {
  let server: BootedApiServer;
  let org: { id: string; adminToken: string };
  let buildingId: string;
  const http = () => server.app.getHttpServer();

  const scrape = async () => parseExposition((await request(http()).get('/metrics').expect(200)).text);
  const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  const api = (token: string) => ({
    post: (path: string, body: object = {}) =>
      request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body),
    get: (path: string) => request(http()).get(`/api/v1${path}`).set(bearer(token)),
  });

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'metrics-admin'), 'Metrics Org');
    buildingId = (
      await api(org.adminToken)
        .post('/buildings', {
          name: 'M House',
          addressLine: 'M 1',
          city: 'Praha',
          postalCode: '110 00',
          country: 'CZ',
        })
        .expect(201)
    ).body.id;
  }, 60_000);
  afterAll(() => server.close());

  it('labels HTTP metrics with route templates only: 10k distinct ids and unknown URLs add a bounded number of series', async () => {
    await server.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(http().address() as AddressInfo).port}`;
    const before = await scrape();
    const urls: { url: string; auth: boolean }[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = randomUUID();
      const kind = i % 5;
      if (kind === 0) urls.push({ url: `/api/v1/buildings/${id}`, auth: true }); // 404, the tenant's query runs
      if (kind === 1) urls.push({ url: `/api/v1/faults/${id}`, auth: false }); // 401
      if (kind === 2) urls.push({ url: `/api/v1/buildings/not-an-id-${i}`, auth: true }); // 400
      if (kind === 3) urls.push({ url: `/api/v1/unknown-${i}/${id}`, auth: false }); // 404, no route
      if (kind === 4) urls.push({ url: `/${id}?q=${i}`, auth: false }); // 404, no route
    }
    const headers = { Authorization: `Bearer ${org.adminToken}` };
    let next = 0;
    const statuses = new Set<number>();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < urls.length) {
          const { url, auth } = urls[next++];
          const res = await fetch(base + url, auth ? { headers } : {});
          await res.arrayBuffer();
          statuses.add(res.status);
        }
      }),
    );
    expect([...statuses].sort()).toEqual([400, 401, 404]);

    const after = await scrape();
    // One series per route template and status (plus the scrape itself): never one per URL.
    const allowed = [
      ['/api/v1/buildings/:id', '404'],
      ['/api/v1/buildings/:id', '400'],
      ['/api/v1/faults/:id', '401'],
      ['/api/v1/{*path}', '404'], // api-server's catch-all under the API prefix
      ['unmatched', '404'],
      ['/metrics', '200'],
    ].map(([route, status]) =>
      JSON.stringify([
        ['method', 'GET'],
        ['route', route],
        ['status', status],
      ]),
    );
    for (const name of ['http_requests_total', 'http_request_duration_seconds_count']) {
      const added = [...labelSets(after, name)].filter((set) => !labelSets(before, name).has(set));
      expect(added.filter((set) => !allowed.includes(set))).toEqual([]);
      expect(labelSets(after, name).size).toBeLessThan(40);
    }
    const routes = new Set(after.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route));
    expect([...routes].filter((r) => /[0-9a-f]{8}-|unknown-|not-an-id/.test(r))).toEqual([]);
    const requests = (route: string, status: string) =>
      valueOf(after, 'http_requests_total', { route, status });
    expect(requests('/api/v1/buildings/:id', '404')).toBeGreaterThanOrEqual(2000);
    expect(requests('/api/v1/buildings/:id', '400')).toBeGreaterThanOrEqual(2000);
    expect(requests('/api/v1/faults/:id', '401')).toBeGreaterThanOrEqual(2000);
    expect(requests('/api/v1/{*path}', '404')).toBeGreaterThanOrEqual(2000);
    expect(requests('unmatched', '404')).toBeGreaterThanOrEqual(2000);
  }, 300_000);

  it("exposes the app's PostgreSQL pool by state", async () => {
    const samples = await scrape();
    const pool = (state: string) =>
      samples.find(
        (s) => s.name === 'db_pool_connections' && s.labels.pool === 'api-server' && s.labels.state === state,
      );
    expect(pool('total')?.value).toBeGreaterThanOrEqual(1);
    expect(pool('idle')?.value).toBeGreaterThanOrEqual(0);
    expect(pool('idle')?.value).toBeLessThanOrEqual(pool('total')?.value ?? 0);
    expect(pool('waiting')?.value).toBe(0);
  });

  it('times each repository method call by repository class and method', async () => {
    const labels = { repository: 'BuildingsRepository', method: 'list' };
    const before = valueOf(await scrape(), 'db_query_duration_seconds_count', labels);
    await api(org.adminToken).get('/buildings').expect(200);
    const after = await scrape();
    expect(valueOf(after, 'db_query_duration_seconds_count', labels)).toBe(before + 1);
    expect(valueOf(after, 'db_query_duration_seconds_sum', labels)).toBeGreaterThan(0);
  });

  it('times Redis commands of the shared clients', async () => {
    const before = valueOf(await scrape(), 'redis_command_duration_seconds_count');
    // Signing in reads and writes the failed-attempt lockout in Redis.
    await registerAndLogin(http(), 'metrics-redis');
    const after = await scrape();
    expect(valueOf(after, 'redis_command_duration_seconds_count')).toBeGreaterThan(before);
    for (const s of after.filter((x) => x.name === 'redis_command_duration_seconds_count')) {
      expect(s.labels.command).toMatch(/^[a-z][a-z0-9|_-]*$/);
    }
  });

  it('counts faults opened, listings published and votes closed', async () => {
    const counts = async () => {
      const samples = await scrape();
      return ['faults_opened_total', 'listings_published_total', 'votes_closed_total'].map((n) =>
        valueOf(samples, n),
      );
    };
    const admin = api(org.adminToken);
    const [faults, listings, votes] = await counts();

    await admin
      .post('/faults', { buildingId, title: 'Leaking sink', description: 'Water', category: 'plumbing' })
      .expect(201);
    expect(await counts()).toEqual([faults + 1, listings, votes]);

    const listing = await admin
      .post('/listings', {
        transaction: 'sale',
        propertyType: 'house',
        title: 'House with a garden',
        description: 'Quiet street.',
        priceAmount: 950000000,
        currency: 'czk',
        areaM2: 160.5,
        rooms: 5,
        addressLine: 'Lipová 7',
        city: 'Brno',
        postalCode: '602 00',
        country: 'cz',
      })
      .expect(201);
    await admin.post(`/listings/${listing.body.id}/status`, { status: 'published' }).expect(200);
    expect(await counts()).toEqual([faults + 1, listings + 1, votes]);
    // A refused change counts nothing.
    await admin.post(`/listings/${listing.body.id}/status`, { status: 'published' }).expect(409);

    await admin
      .post('/units', { buildingId, number: '1', ownershipShareNumerator: 1, ownershipShareDenominator: 1 })
      .expect(201);
    const vote = await admin
      .post('/votes', {
        title: 'Shromáždění',
        kind: 'meeting',
        buildingIds: [buildingId],
        startAt: new Date(Date.now() - 3600_000).toISOString(),
        endAt: new Date(Date.now() + 86400_000).toISOString(),
        questions: [
          {
            text: 'Roof?',
            quorum: '1/2',
            majority: 'simple',
            options: [{ label: 'Pro' }, { label: 'Proti' }],
          },
        ],
      })
      .expect(201);
    await admin.post(`/votes/${vote.body.id}/open`).expect(200);
    await admin.post(`/votes/${vote.body.id}/close`).expect(200);
    expect(await counts()).toEqual([faults + 1, listings + 1, votes + 1]);
  });
});
