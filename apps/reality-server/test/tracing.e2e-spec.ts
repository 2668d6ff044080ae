import type { NestExpressApplication } from '@nestjs/platform-express';
import { createWorkerApp } from '@ppt/http';
import { instrumentCoreModulesNow, startTelemetry } from '@ppt/observability';
import { bootTestApp, eventually, TEST_DATABASE_ADMIN_URL, type BootedApp } from '@ppt/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { RealityServerEnv } from '../src/reality-server.env';
import { WorkerModule } from '../src/worker.module';
import { ApiServerPeer, type PortalUser } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

interface SpanNode {
  spanId: string;
  service: string;
  operation: string;
  kind: string;
  status: string;
  attributes: Record<string, unknown>;
  children: SpanNode[];
}
interface Trace {
  traceId: string;
  spanCount: number;
  roots: SpanNode[];
}

const flatten = (nodes: SpanNode[]): SpanNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);
/** The path of a span from a root of the tree (its ancestors first), or undefined. */
function pathTo(nodes: SpanNode[], match: (n: SpanNode) => boolean): SpanNode[] | undefined {
  for (const node of nodes) {
    if (match(node)) return [node];
    const below = pathTo(node.children, match);
    if (below) return [node, ...below];
  }
  return undefined;
}

/**
 * The "done when" of issue #22 (items 1 and 2): one user action on the portal is one trace in the
 * trace store, across processes. api-server and its worker run as processes of their own (tracing on,
 * every trace sampled, writing to the store); the portal and its worker run in this process with the
 * SDK started here, writing to the same store. A signed-in visitor's search asks api-server about the
 * token (SSO); the visitor's inquiry goes through the portal's Bull queue to api-server, whose outbox
 * event becomes a job in api-server's worker. Both are read back through api-server's query API.
 */
describe('one trace per user action, across the portal, api-server and their workers', () => {
  let storeName: string;
  let storeUrl: string;
  let stopTelemetry: () => Promise<void>;
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let worker: BootedApp<NestExpressApplication, RealityServerEnv>;
  let manager: { token: string };
  let adminToken: string;
  let listingId: string;
  const http = () => portal.app.getHttpServer();

  const traceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
  };
  const admin = (path: string) => peer.call('GET', path, adminToken);
  /** The trace once it holds spans that satisfy `done`. */
  const storedTrace = (traceId: string, done: (spans: SpanNode[]) => boolean) =>
    eventually(async () => {
      const r = await admin(`/api/v1/infrastructure/traces/${traceId}`);
      return (
        r.status === 200 && done(flatten((r.body as unknown as Trace).roots)) && (r.body as unknown as Trace)
      );
    }, 30_000);

  beforeAll(async () => {
    storeName = `ppt_traces_${randomBytes(6).toString('hex')}`;
    const adminDb = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await adminDb.connect();
    await adminDb.query(`CREATE DATABASE ${storeName}`);
    await adminDb.end();
    const url = new URL(TEST_DATABASE_ADMIN_URL);
    url.pathname = `/${storeName}`;
    storeUrl = url.toString();
    const tracing = {
      OTEL_SDK_DISABLED: 'false',
      OTEL_TRACES_SAMPLER_ARG: '1',
      TRACE_STORE_DATABASE_URL: storeUrl,
      TRACE_STORE_FLUSH_MS: '200',
    };
    stopTelemetry = startTelemetry({ serviceName: 'reality-server', env: tracing });
    instrumentCoreModulesNow();
    // Both processes load the SDK and every instrumentation: slower to start on a busy machine.
    peer = await ApiServerPeer.start({ worker: true, env: tracing, readyTimeoutMs: 180_000 });
    portal = await bootRealityServer({ ...peer.portalEnv(), TRACE_STORE_DATABASE_URL: storeUrl });
    worker = await bootTestApp(RealityServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), {
      ...peer.portalEnv(),
      DATABASE_URL: portal.db.portalUrl,
    });
    const owner = await peer.registerAndLogin('realtor-admin');
    manager = await peer.createOrganization(owner.accessToken);
    const operator = await peer.registerAndLogin('operator');
    adminToken = await peer.platformAdminToken(operator.email);

    const created = await peer.call('POST', '/api/v1/listings', manager.token, {
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Byt 2+kk se stopou',
      description: 'Každý krok jeho poptávky je v jedné stopě.',
      priceAmount: 2450000,
      currency: 'CZK',
      areaM2: 54,
      rooms: 2,
      addressLine: 'Slezská 12',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
      latitude: 50.0755,
      longitude: 14.4378,
    });
    expect(created.status).toBe(201);
    listingId = created.body.id as string;
    await peer.call('POST', `/api/v1/listings/${listingId}/status`, manager.token, { status: 'published' });
    await eventually(
      async () => (await request(http()).get(`/api/v1/listings/${listingId}`)).status === 200,
      20_000,
    );
  }, 400_000);

  afterAll(async () => {
    await worker?.close();
    await portal?.close();
    await peer?.dispose();
    await stopTelemetry?.();
    const adminDb = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await adminDb.connect();
    await adminDb.query(`DROP DATABASE IF EXISTS ${storeName} WITH (FORCE)`);
    await adminDb.end();
  });

  const isEntry = (n: SpanNode, service: string, kind: 'server' | 'consumer') =>
    n.service === service && n.kind === kind;
  const signedIn = (user: PortalUser) => ({ Authorization: `Bearer ${user.accessToken}` });
  const introspection = (n: SpanNode) =>
    n.service === 'api-server' &&
    n.kind === 'server' &&
    String(n.attributes['url.path'] ?? n.attributes['http.target'] ?? '').includes('/introspect');

  it("shows a signed-in visitor's saved search and its SSO call to api-server as one trace", async () => {
    // The visitor's first request: the portal has not seen the token, so it asks api-server.
    const visitor = await peer.registerAndLogin('searcher');
    const { traceId, header } = traceparent();
    await request(http())
      .post('/api/v1/saved-searches')
      .set(signedIn(visitor))
      .set('traceparent', header)
      .send({ name: 'Praha 2+kk', filters: { transaction: 'rent', city: 'Praha', roomsMin: 2 } })
      .expect(201);

    // Each process writes its spans every TRACE_STORE_FLUSH_MS: api-server's introspection (done early
    // in the request) can be stored before the portal's request span (ended with the response), and a
    // trace read in between shows the portal's client calls as roots. Read it once both are stored.
    const trace = await storedTrace(
      traceId,
      (spans) => spans.some(introspection) && spans.some((n) => isEntry(n, 'reality-server', 'server')),
    );
    expect(trace.roots).toHaveLength(1);
    const [root] = trace.roots;
    expect(root).toMatchObject({ service: 'reality-server', kind: 'server' });
    // portal request → (its client call) → api-server's introspection, all under the one root
    const path = pathTo(trace.roots, introspection)!;
    expect(path.map((n) => n.service)).toEqual(expect.arrayContaining(['reality-server', 'api-server']));
    expect(path[path.length - 2]).toMatchObject({ service: 'reality-server', kind: 'client' });
  }, 60_000);

  it("follows an inquiry from the portal through its Bull job to api-server and api-server's worker", async () => {
    const visitor = await peer.registerAndLogin('asker');
    const { traceId, header } = traceparent();
    await request(http())
      .post(`/api/v1/listings/${listingId}/inquiries`)
      .set(signedIn(visitor))
      .set('traceparent', header)
      .send({ name: 'Jana Nováková', email: 'jana@example.com', message: 'Je byt ještě volný?' })
      .expect(202);

    const apiJob = (n: SpanNode) => n.service === 'api-server' && n.kind === 'consumer';
    // The portal's job span too (stored by this process, possibly after api-server's job span).
    const trace = await storedTrace(
      traceId,
      (spans) => spans.some(apiJob) && spans.some((n) => isEntry(n, 'reality-server', 'consumer')),
    );
    expect(trace.roots).toHaveLength(1);
    const spans = flatten(trace.roots);
    expect(spans.some(introspection)).toBe(true);
    const path = pathTo(trace.roots, apiJob)!;
    const steps = path
      .filter((n) => n.kind !== 'internal' && n.kind !== 'client')
      .map((n) => [n.service, n.kind]);
    // the visitor's request → the portal's delivery job → api-server's inquiry endpoint → its job
    expect(steps).toEqual([
      ['reality-server', 'server'],
      ['reality-server', 'consumer'],
      ['api-server', 'server'],
      ['api-server', 'consumer'],
    ]);
    expect(path.find((n) => n.kind === 'consumer' && n.service === 'reality-server')!.operation).toBe(
      'process portal-inquiries deliver-inquiry',
    );

    // The search finds it by service and operation, within a range.
    const jobName = path[path.length - 1]!.operation;
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const found = await admin(
      `/api/v1/infrastructure/traces?service=api-server&operation=${encodeURIComponent(jobName)}&from=${from}&to=${to}&limit=100`,
    );
    expect(found.status).toBe(200);
    expect((found.body.items as { traceId: string }[]).map((t) => t.traceId)).toContain(traceId);
  }, 60_000);

  it('refuses ranges over 7 days, bad trace ids and other users', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 8 * 86_400_000);
    const long = await admin(
      `/api/v1/infrastructure/traces?from=${from.toISOString()}&to=${to.toISOString()}`,
    );
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'TIME_RANGE_INVALID' });
    const reversed = await admin(
      `/api/v1/infrastructure/traces?from=${to.toISOString()}&to=${from.toISOString()}`,
    );
    expect(reversed.status).toBe(400);
    expect((await admin('/api/v1/infrastructure/traces/not-a-trace')).status).toBe(400);
    const missing = await admin(`/api/v1/infrastructure/traces/${randomBytes(16).toString('hex')}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'TRACE_NOT_FOUND' });
    expect((await peer.call('GET', '/api/v1/infrastructure/traces', manager.token)).status).toBe(403);
  });
});
