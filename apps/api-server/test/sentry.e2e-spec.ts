import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { startTelemetry } from '@ppt/observability';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import { eventually } from '@ppt/testing';
import * as Sentry from '@sentry/nestjs';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { gunzipSync } from 'node:zlib';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { asOwner, createOrganization, registerAndLogin } from './identity';

/**
 * Job failures reach Sentry, scrubbed. The DSN points at a local HTTP server that takes what a Sentry
 * ingest endpoint takes: POST /api/<project>/envelope/ with an envelope — newline-separated JSON: the
 * envelope header, then per item an item header and its payload
 * (https://develop.sentry.dev/sdk/data-model/envelopes/, https://develop.sentry.dev/sdk/data-model/envelope-items/).
 */
describe('Sentry reporting of job failures', () => {
  let dsn: Server;
  const envelopes: {
    path: string;
    header: Record<string, unknown>;
    items: { header: Record<string, unknown>; payload: Record<string, unknown> }[];
    raw: string;
  }[] = [];
  let server: BootedApiServer;
  let worker: INestApplication;

  beforeAll(async () => {
    dsn = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const raw = body.toString('utf8');
        const lines = raw.split('\n').filter((l) => l.length > 0);
        const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
        const items = [];
        for (let i = 1; i + 1 < lines.length; i += 2) {
          items.push({ header: JSON.parse(lines[i]!), payload: JSON.parse(lines[i + 1]!) });
        }
        envelopes.push({ path: req.url ?? '', header, items, raw });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => dsn.listen(0, '127.0.0.1', resolve));
    const { port } = dsn.address() as AddressInfo;
    startTelemetry({
      serviceName: 'api-server',
      env: { SENTRY_DSN: `http://public@127.0.0.1:${port}/42`, OTEL_SDK_DISABLED: 'true', NODE_ENV: 'test' },
    });
    server = await bootApiServer();
    worker = await createTestWorker(server);
    await worker.init();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await server?.close();
    await Sentry.close(2000);
    await new Promise((resolve) => dsn?.close(resolve));
  });

  it('sends a failed job run as an error event with its job tags and no e-mail address', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    // PostgreSQL refuses the id and quotes it in its error message: the address must not leave.
    await queue.add(
      MaintenanceJob.RemoveDocumentObject,
      { organizationId: 'jana.novakova@example.com', documentId: randomUUID() },
      { attempts: 1 },
    );
    await Sentry.flush(5000);
    const envelope = await eventually(async () => {
      await Sentry.flush(1000);
      return envelopes.find((e) => e.items.some((i) => i.header.type === 'event'));
    }, 20_000);
    // The key travels in the query (https://develop.sentry.dev/sdk/overview/#authentication).
    expect(envelope.path.split('?')[0]).toBe('/api/42/envelope/');
    expect(new URL(envelope.path, 'http://x').searchParams.get('sentry_key')).toBe('public');
    const event = envelope.items.find((i) => i.header.type === 'event')!.payload as {
      tags: Record<string, string>;
      exception: { values: { value: string }[] };
    };
    expect(event.tags).toMatchObject({
      'job.queue': 'maintenance',
      'job.name': MaintenanceJob.RemoveDocumentObject,
      'job.attempt': '1',
    });
    expect(event.exception.values[0]!.value).toContain('[email]');
    expect(envelope.raw).not.toContain('jana.novakova@example.com');
  });

  it('sends an unhandled 5xx with its request id, route, user and organisation, and no token, cookie or e-mail', async () => {
    const http = server.app.getHttpServer();
    const admin = await registerAndLogin(http, 'sentry-5xx');
    const org = await createOrganization(http, admin);
    // An unhandled failure, not a client mistake: the table under the route is gone for a moment.
    await asOwner(server, (db) => db.query('ALTER TABLE buildings RENAME TO buildings_away'));
    let res: request.Response;
    try {
      res = await request(http)
        .get('/api/v1/buildings')
        .set('Authorization', `Bearer ${org.adminToken}`)
        .set('Cookie', 'ppt_refresh=very-secret-cookie-value');
    } finally {
      await asOwner(server, (db) => db.query('ALTER TABLE buildings_away RENAME TO buildings'));
    }
    expect(res.status).toBe(500);
    const requestId = (res.body as { error: { requestId: string } }).error.requestId;
    expect(requestId).toEqual(expect.any(String));

    const envelope = await eventually(async () => {
      await Sentry.flush(1000);
      return envelopes.find((e) =>
        e.items.some(
          (i) =>
            i.header.type === 'event' &&
            (i.payload.tags as Record<string, string> | undefined)?.request_id === requestId,
        ),
      );
    }, 20_000);
    const event = envelope.items.find((i) => i.header.type === 'event')!.payload as {
      tags: Record<string, string>;
      user?: { id?: string };
    };
    expect(event.tags).toMatchObject({ request_id: requestId, organization_id: org.id });
    expect(event.tags.route).toMatch(/^GET .*\/buildings$/);
    expect(event.user?.id).toBe(admin.id);
    for (const secret of [org.adminToken, 'very-secret-cookie-value', admin.email]) {
      expect(envelope.raw).not.toContain(secret);
    }
  });
});
