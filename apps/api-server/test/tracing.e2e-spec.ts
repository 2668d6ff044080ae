import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { instrumentCoreModulesNow, startTelemetry } from '@ppt/observability';
import { eventually, startFakeWebhookPortal, type FakeWebhookPortal } from '@ppt/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootDocumentsServer, type DocumentsServer } from './documents-fixtures';
import { bearer, createOrganization, registerAndLogin } from './identity';
import { SREALITY_FLAT } from './syndication-fixtures';

/**
 * One trace per user action (issue #22, item 1): a request that arrives with a W3C `traceparent`
 * (https://www.w3.org/TR/trace-context/#traceparent-header) is continued by api-server; the outbox
 * event it writes keeps that context, so the syndication job the relay publishes later, the
 * portal-sync job that job adds, and the outbound push to the portal all belong to the same trace.
 * The OpenTelemetry SDK runs in this process with every trace sampled; spans are read back from an
 * in-memory exporter (the SDK's own), the server and worker are the real ones.
 */
describe('trace propagation through requests, the outbox, Bull jobs and outbound calls', () => {
  const exporter = new InMemorySpanExporter();
  let stopTelemetry: () => Promise<void>;
  let env: DocumentsServer;
  let webhook: FakeWebhookPortal;
  let org: { id: string; adminToken: string };
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const http = () => env.http();

  const parentOf = (span: ReadableSpan) =>
    (span as ReadableSpan & { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
  const spansOf = (traceId: string) =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const newTraceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
  };

  beforeAll(async () => {
    stopTelemetry = startTelemetry({
      serviceName: 'api-server',
      env: { OTEL_TRACES_SAMPLER_ARG: '1' },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    instrumentCoreModulesNow();
    webhook = await startFakeWebhookPortal([secret]);
    env = await bootDocumentsServer({
      worker: true,
      env: { SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` },
    });
    org = await createOrganization(http(), await registerAndLogin(http(), 'tracing'));
    const put = (portal: string, body: Record<string, unknown>) =>
      request(http()).put(`/api/v1/syndication/portals/${portal}`).set(bearer(org.adminToken)).send(body);
    await put('reality-portal', { enabled: false }).expect(200);
    await put('webhook', { credentials: { secrets: [secret] }, options: { endpoint: webhook.url } }).expect(
      200,
    );
  }, 60_000);

  afterAll(async () => {
    await env?.close();
    await webhook?.close();
    await stopTelemetry?.();
  });

  it('makes the syndication of a published listing, down to the portal push, a child of the request', async () => {
    const created = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send({
        transaction: 'sale',
        propertyType: 'apartment',
        ...SREALITY_FLAT,
        title: 'Traced flat',
        description: 'A flat whose publication is followed from the request to the portal.',
        priceAmount: 899000000,
        currency: 'CZK',
        areaM2: 78,
        rooms: 3,
        addressLine: 'Slezská 12',
        city: 'Praha',
        postalCode: '120 00',
        country: 'CZ',
      })
      .expect(201);
    const { traceId, header } = newTraceparent();
    await request(http())
      .post(`/api/v1/listings/${created.body.id}/status`)
      .set(bearer(org.adminToken))
      .set('traceparent', header)
      .send({ status: 'published' })
      .expect(200);

    const spans = await eventually(() => {
      const found = spansOf(traceId);
      const syncDone = found.some((s) => s.name === 'process syndication portal-sync');
      return syncDone && found;
    }, 30_000);

    const server = spans.find((s) => s.kind === SpanKind.SERVER && parentOf(s) === header.split('-')[2]);
    expect(server).toBeDefined();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const ancestry = (span: ReadableSpan): ReadableSpan[] => {
      const parent = byId.get(parentOf(span) ?? '');
      return parent ? [parent, ...ancestry(parent)] : [];
    };
    const jobs = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    const event = jobs.find((s) => s.name === 'process syndication listing.published');
    const sync = jobs.find((s) => s.name === 'process syndication portal-sync');
    expect(event).toBeDefined();
    expect(sync).toBeDefined();
    // The relay published the event outside the request: the job is still the request's descendant.
    expect(ancestry(event!)).toContain(server);
    expect(ancestry(sync!)).toContain(event);
    // The portal push: a client span inside the portal-sync job, answered by the (local) portal's
    // server span, which continued the traceparent the guarded HTTP agent sent.
    const client = spans.find((s) => s.kind === SpanKind.CLIENT && ancestry(s).includes(sync!));
    expect(client).toBeDefined();
    const received = spans.find(
      (s) => s.kind === SpanKind.SERVER && parentOf(s) === client!.spanContext().spanId,
    );
    expect(received).toBeDefined();
    expect(event!.attributes).toMatchObject({
      'messaging.system': 'bull',
      'messaging.destination.name': 'syndication',
      'organization.id': org.id,
    });
  }, 60_000);

  it('puts the trace id of the request in its error envelope', async () => {
    const { traceId, header } = newTraceparent();
    const res = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .set('traceparent', header)
      .send({ title: 42 })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', traceId });
  });
});
