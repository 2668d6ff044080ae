import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY_KEYS_EXPIRE_CRON } from '@ppt/api-shared';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { asOwner, createOrganization, registerAndLogin } from './identity';

/** Review leftover: Idempotency-Key answers expire after 7 days (a daily maintenance job, real worker). */
describe('idempotency key expiry', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  let queue: Queue;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    server = await bootApiServer();
    worker = await createTestWorker(server);
    await worker.init();
    queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
  });
  afterAll(async () => {
    await worker?.close();
    await server?.close();
  });

  it('is scheduled daily at 02:50 UTC and deletes, in every organisation, only keys older than 7 days', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(
      repeatable.filter((j) => j.name === MaintenanceJob.IdempotencyKeysExpire).map((j) => [j.cron, j.tz]),
    ).toEqual([[IDEMPOTENCY_KEYS_EXPIRE_CRON, 'UTC']]);

    const keys: Record<string, string> = {};
    for (const label of ['a', 'b']) {
      const admin = await registerAndLogin(http(), `idem-${label}`);
      const org = await createOrganization(http(), admin, `Idem ${label}`);
      for (const [age, days] of [
        ['old', 8],
        ['young', 6],
      ] as const) {
        const key = `${label}-${age}-${randomUUID()}`;
        keys[`${label}-${age}`] = key;
        await asOwner(server, (db) =>
          db.query(
            `INSERT INTO idempotency_keys (organization_id, user_id, operation, key, request_hash, response_status, response_body, created_at)
             VALUES ($1, $2, 'charge.create', $3, repeat('0', 64), 201, '{}', now() - make_interval(days => $4))`,
            [org.id, admin.id, key, days],
          ),
        );
      }
    }
    const job = await queue.add(MaintenanceJob.IdempotencyKeysExpire, {}, { jobId: `test-${randomUUID()}` });
    expect(await job.finished()).toEqual({ deleted: 2 });
    const left = await asOwner(server, async (db) =>
      (await db.query(`SELECT key FROM idempotency_keys WHERE key = ANY($1) ORDER BY key`, [Object.values(keys)]))
        .rows.map((r: { key: string }) => r.key),
    );
    expect(left).toEqual([keys['a-young'], keys['b-young']].sort());
  });
});
