import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import { eventually, TEST_DATABASE_ADMIN_URL } from '@ppt/testing';
import type { Queue } from 'bull';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { bearer, login, makePlatformAdmin, registerAndLogin } from './identity';

interface Stats {
  jobs: {
    queue: string;
    name: string;
    runs: number;
    completed: number;
    failed: number;
    successRate: number;
    retries: number;
    deadLetters: number;
    p50Ms: number;
    p95Ms: number;
  }[];
  queues: { queue: string; failed: number; available: boolean }[];
}

/**
 * Job statistics (issue #22, item 3): the processor wrapper records every run of every job in the
 * telemetry store (a database of its own, as in production), and platform admins read them per job
 * type with Bull's live counts. Jobs run on the real worker, Bull and Redis.
 */
describe('job statistics', () => {
  const storeName = `ppt_traces_${randomBytes(6).toString('hex')}`;
  let server: BootedApiServer;
  let worker: INestApplication;
  let adminToken: string;
  let memberToken: string;
  const http = () => server.app.getHttpServer();
  const stats = (query: string, token = adminToken) =>
    request(http()).get(`/api/v1/infrastructure/jobs/stats${query}`).set(bearer(token));

  beforeAll(async () => {
    const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${storeName}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_ADMIN_URL);
    url.pathname = `/${storeName}`;
    server = await bootApiServer({ TRACE_STORE_DATABASE_URL: url.toString() });
    worker = await createTestWorker(server);
    await worker.init();
    const operator = await registerAndLogin(http(), 'operator');
    await makePlatformAdmin(server, operator.id);
    adminToken = (await login(http(), operator.email)).accessToken;
    memberToken = (await registerAndLogin(http(), 'member')).accessToken;
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await server?.close();
    const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${storeName} WITH (FORCE)`);
    await admin.end();
  });

  it('counts runs, failures, retries and dead letters per job type, with p50/p95 and live counts', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    // A document that does not exist: the job completes with nothing to do.
    await queue.add(
      MaintenanceJob.RemoveDocumentObject,
      { organizationId: randomUUID(), documentId: randomUUID() },
      { attempts: 1 },
    );
    // An organisation id PostgreSQL refuses: both attempts fail, the second one for good.
    await queue.add(
      MaintenanceJob.RemoveDocumentObject,
      { organizationId: 'not-a-uuid', documentId: randomUUID() },
      { attempts: 2, backoff: 10 },
    );

    const found = await eventually(async () => {
      const res = await stats('?queue=maintenance').expect(200);
      const body = res.body as Stats;
      const row = body.jobs.find((j) => j.name === MaintenanceJob.RemoveDocumentObject);
      return row?.runs === 3 && body;
    }, 20_000);
    const row = found.jobs.find((j) => j.name === MaintenanceJob.RemoveDocumentObject)!;
    expect(row).toMatchObject({
      queue: 'maintenance',
      runs: 3,
      completed: 1,
      failed: 2,
      successRate: 0.333,
      retries: 1,
      deadLetters: 1,
    });
    expect(row.p95Ms).toBeGreaterThanOrEqual(row.p50Ms);
    expect(found.jobs.every((j) => j.queue === 'maintenance')).toBe(true);
    expect(found.queues).toEqual([expect.objectContaining({ queue: 'maintenance', available: true })]);
    expect(found.queues[0]!.failed).toBeGreaterThanOrEqual(1);
  });

  it('refuses bad ranges, unknown queues and users who are not platform admins', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 8 * 86_400_000);
    const long = await stats(`?from=${from.toISOString()}&to=${to.toISOString()}`).expect(400);
    expect(long.body.error.code).toBe('TIME_RANGE_INVALID');
    expect((await stats('?queue=nope').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await stats('', memberToken).expect(403);
  });
});
