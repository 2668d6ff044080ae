import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { HEALTH_HISTORY_CRON, HealthHistoryRecorder } from '@ppt/api-identity-core';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { asOwner, bearer, login, makePlatformAdmin, registerAndLogin } from './identity';

interface Sample {
  recordedAt: string;
  app: string;
  dependency: string;
  status: 'up' | 'down';
  latencyMs: number;
  error: string | null;
}
interface Summary {
  app: string;
  dependency: string;
  samples: number;
  downSamples: number;
  uptime: number;
  p95LatencyMs: number;
  lastStatus: string;
  outageCount: number;
  outages: { start: string; end: string | null; samples: number }[];
}
interface History {
  apps: { app: string; recorded: boolean; reason: string | null }[];
  summary: Summary[];
  items: Sample[];
  nextCursor: string | null;
}

type RealityMode = 'ok' | 'redis-down' | 'unreachable';

/**
 * reality-server's GET /health/ready as the HealthController of @ppt/http answers it (documented in
 * docs/openapi/reality-server.json, "/health/ready"): 200 `ok` with every dependency in `details`,
 * 503 `error` with the one down in `error` and `details`. `unreachable` drops the connection.
 */
function fakeRealityServer(mode: () => RealityMode): Server {
  const up = { status: 'up', latencyMs: 1.5 };
  return createServer((req, res) => {
    if (req.url !== '/health/ready') return void res.writeHead(404).end();
    const current = mode();
    if (current === 'unreachable') return void req.socket.destroy();
    const redisDown = {
      status: 'down',
      latencyMs: 1000.4,
      error: 'connect to redis://:hunter2@cache:6379 failed: timed out after 1000 ms',
    };
    const body =
      current === 'ok'
        ? {
            status: 'ok',
            info: { database: up, redis: up, 'api-server': up },
            error: {},
            details: { database: up, redis: up, 'api-server': up },
          }
        : {
            status: 'error',
            info: { database: up },
            error: { redis: redisDown },
            details: { database: up, redis: redisDown },
          };
    res
      .writeHead(current === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify(body));
  });
}

/**
 * Health history (issue #22, item 5): the api worker records each minute api-server's dependencies
 * (in process, the checks of its /health/ready) and reality-server's (its /health/ready, here a
 * loopback peer), and platform admins read samples a page at a time with uptime and outages.
 */
describe('health history', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  let reality: Server;
  let realityMode: RealityMode = 'ok';
  let adminToken: string;
  let memberToken: string;
  const http = () => server.app.getHttpServer();
  const history = (query: string, token = adminToken) =>
    request(http()).get(`/api/v1/infrastructure/health/history${query}`).set(bearer(token));
  // Minutes of the recorded scenario: two days ago, so the worker's own minute runs never fall in it.
  const t0 = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000);
  const minute = (n: number) => new Date(t0.getTime() + n * 60_000);
  const scenario = `?from=${minute(0).toISOString()}&to=${minute(4).toISOString()}`;

  beforeAll(async () => {
    reality = fakeRealityServer(() => realityMode);
    await new Promise<void>((resolve) => reality.listen(0, '127.0.0.1', resolve));
    const { port } = reality.address() as AddressInfo;
    server = await bootApiServer({ HEALTH_HISTORY_REALITY_SERVER_URL: `http://127.0.0.1:${port}` });
    worker = await createTestWorker(server);
    await worker.init();
    const operator = await registerAndLogin(http(), 'health-operator');
    await makePlatformAdmin(server, operator.id);
    adminToken = (await login(http(), operator.email)).accessToken;
    memberToken = (await registerAndLogin(http(), 'health-member')).accessToken;

    // reality-server: ready, then redis down (503), then unreachable, then ready again.
    const recorder = worker.get(HealthHistoryRecorder, { strict: false });
    for (const [n, mode] of (['ok', 'redis-down', 'unreachable', 'ok'] as const).entries()) {
      realityMode = mode;
      await recorder.record(minute(n));
    }
    realityMode = 'ok';
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await server?.close();
    await new Promise((resolve) => reality?.close(resolve));
  });

  it('is scheduled every minute; a run records every dependency of both apps', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    expect(
      (await queue.getRepeatableJobs())
        .filter((j) => j.name === MaintenanceJob.HealthHistoryRecord)
        .map((j) => [j.cron, j.tz]),
    ).toEqual([[HEALTH_HISTORY_CRON, 'UTC']]);
    const job = await queue.add(MaintenanceJob.HealthHistoryRecord, {}, { jobId: `test-${randomUUID()}` });
    // api-server: ready, database, redis; reality-server: ready, database, redis, api-server.
    expect(await job.finished()).toMatchObject({ recorded: 7 });

    const res = await history(`${scenario}&limit=100`).expect(200);
    const body = res.body as History;
    expect(body.apps).toEqual([
      { app: 'api-server', recorded: true, reason: null },
      { app: 'reality-server', recorded: true, reason: null },
    ]);
    const first = body.items.filter((s) => s.recordedAt === minute(0).toISOString());
    expect(first.map((s) => `${s.app}/${s.dependency}/${s.status}`).sort()).toEqual([
      'api-server/database/up',
      'api-server/ready/up',
      'api-server/redis/up',
      'reality-server/api-server/up',
      'reality-server/database/up',
      'reality-server/ready/up',
      'reality-server/redis/up',
    ]);
    expect(first.every((s) => s.latencyMs >= 0 && s.error === null)).toBe(true);
  });

  it('records a dependency that is down with its scrubbed error, and an unreachable app as not ready', async () => {
    const body = (await history(`${scenario}&app=reality-server&limit=100`).expect(200)).body as History;
    const at = (n: number) => body.items.filter((s) => s.recordedAt === minute(n).toISOString());
    const redisDown = at(1).find((s) => s.dependency === 'redis')!;
    expect(redisDown).toMatchObject({ status: 'down', latencyMs: 1000.4 });
    expect(redisDown.error).toBe('connect to redis://[scrubbed]@cache:6379 failed: timed out after 1000 ms');
    expect(at(1).find((s) => s.dependency === 'ready')).toMatchObject({
      status: 'down',
      error: '/health/ready answered 503',
    });
    // Unreachable: only its verdict is known.
    expect(at(2)).toEqual([
      expect.objectContaining({ dependency: 'ready', status: 'down', error: expect.any(String) }),
    ]);
    expect(at(2)[0]!.error).not.toBe('');
  });

  it('summarises uptime, p95 latency and outages per app and dependency', async () => {
    const body = (await history(scenario).expect(200)).body as History;
    const of = (app: string, dependency: string) =>
      body.summary.find((s) => s.app === app && s.dependency === dependency);
    expect(of('reality-server', 'ready')).toMatchObject({
      samples: 4,
      downSamples: 2,
      uptime: 0.5,
      lastStatus: 'up',
      outageCount: 1,
      outages: [{ start: minute(1).toISOString(), end: minute(3).toISOString(), samples: 2 }],
    });
    expect(of('reality-server', 'redis')).toMatchObject({
      samples: 3,
      downSamples: 1,
      uptime: 0.6667,
      outages: [{ start: minute(1).toISOString(), end: minute(3).toISOString(), samples: 1 }],
    });
    expect(of('reality-server', 'redis')!.p95LatencyMs).toBeGreaterThan(1.5);
    for (const dependency of ['ready', 'database', 'redis'])
      expect(of('api-server', dependency)).toMatchObject({
        samples: 4,
        downSamples: 0,
        uptime: 1,
        outages: [],
      });
  });

  it('pages through the samples in time order with a cursor', async () => {
    const seen: Sample[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `${scenario}&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await history(query).expect(200)).body as History;
      expect(body.items.length).toBeLessThanOrEqual(10);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    // api-server: 3 a minute; reality-server: 4, 3 (its 503 lists two), 1 (unreachable), 4.
    expect(seen).toHaveLength(24);
    expect(pages).toBe(3);
    const times = seen.map((s) => s.recordedAt);
    expect([...times].sort()).toEqual(times);
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(24);
  });

  it('refuses ranges out of order or over 7 days, malformed dates, apps and cursors (400)', async () => {
    const refused = async (query: string, code: string) =>
      expect((await history(query).expect(400)).body.error.code).toBe(code);
    await refused(`?from=${minute(4).toISOString()}&to=${minute(0).toISOString()}`, 'TIME_RANGE_INVALID');
    await refused(`?from=${minute(0).toISOString()}&to=${minute(0).toISOString()}`, 'TIME_RANGE_INVALID');
    const eightDays = new Date(minute(0).getTime() + 8 * 86_400_000).toISOString();
    await refused(`?from=${minute(0).toISOString()}&to=${eightDays}`, 'TIME_RANGE_INVALID');
    await refused('?from=yesterday', 'VALIDATION_FAILED');
    await refused('?app=mail-server', 'VALIDATION_FAILED');
    await refused('?limit=501', 'VALIDATION_FAILED');
    await refused('?cursor=not!a!cursor', 'VALIDATION_FAILED');
    await refused(`?cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'INVALID_CURSOR');
  });

  it('says when an app has no samples in the range, and why there may be none', async () => {
    const before = `?from=${minute(-120).toISOString()}&to=${minute(-60).toISOString()}`;
    const body = (await history(before).expect(200)).body as History;
    expect(body.items).toEqual([]);
    expect(body.summary).toEqual([]);
    expect(body.apps).toEqual([
      { app: 'api-server', recorded: false, reason: expect.stringContaining('api worker') },
      {
        app: 'reality-server',
        recorded: false,
        reason: expect.stringContaining('HEALTH_HISTORY_REALITY_SERVER_URL'),
      },
    ]);
  });

  it('is for platform administrators only (403 for a member, 401 without a token)', async () => {
    expect((await history(scenario, memberToken).expect(403)).body.error.code).toBe('FORBIDDEN');
    await request(http()).get(`/api/v1/infrastructure/health/history${scenario}`).expect(401);
  });

  it('deletes samples older than the retention (30 days) and keeps younger ones', async () => {
    const dependency = `retention-${randomUUID().slice(0, 8)}`;
    await asOwner(server, (db) =>
      db.query(
        `INSERT INTO health_samples (recorded_at, app, dependency, status, latency_ms)
         VALUES (now() - interval '31 days', 'api-server', $1, 'up', 1),
                (now() - interval '29 days', 'api-server', $1, 'up', 1)`,
        [dependency],
      ),
    );
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    const job = await queue.add(MaintenanceJob.HealthHistoryRecord, {}, { jobId: `test-${randomUUID()}` });
    await job.finished();
    const left = await asOwner(server, async (db) =>
      (
        await db.query(
          `SELECT round(extract(epoch FROM now() - recorded_at) / 86400) AS age FROM health_samples WHERE dependency = $1`,
          [dependency],
        )
      ).rows.map((r: { age: string }) => Number(r.age)),
    );
    expect(left).toEqual([29]);
  });
});
