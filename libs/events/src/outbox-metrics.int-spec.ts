import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { DatabaseModule, TenantTransactions } from '@ppt/db';
import { QueueModule } from '@ppt/queue';
import { RedisModule } from '@ppt/redis';
import { createTestDatabase, startPrivateRedis, type PrivateRedis, type TestDatabase } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { register } from 'prom-client';
import { EventsModule, OutboxRelayModule } from './events.module';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

/** The value of a metric without labels, as a scrape reads it (collect() runs). */
async function metricValue(name: string): Promise<number | undefined> {
  const metric = await register.getSingleMetric(name)?.get();
  return metric?.values[0]?.value;
}

/** The writer and the relay work on the outbox in SQL: the lib maps no entity (the PM's are not its to import). */
const OUTBOX_IN_SQL: never[] = [];

describe('outbox metrics', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let app: INestApplication;
  let owner: Client;
  const org = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Metrics Org', $2)`, [
      org,
      `metrics-${org}`,
    ]);
    const env = validateEnv(CoreEnv, {
      DATABASE_URL: db.workerUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'om:',
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(env),
        DatabaseModule.forRoot({
          applicationName: 'outbox-metrics-test',
          entities: OUTBOX_IN_SQL,
          runsPlatformJobs: true,
        }),
        RedisModule,
        QueueModule.forRoot(),
        EventsModule,
        // One pass at start, then none: the test runs the passes.
        OutboxRelayModule.register({ pollIntervalMs: 3600_000 }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await owner.end();
    await redis.dispose();
    await db.drop();
  });

  const tx = () => app.get(TenantTransactions);
  const writeFaultCreated = (m: Parameters<OutboxWriter['write']>[0], faultId = randomUUID()) =>
    app.get(OutboxWriter).write(m, {
      type: 'fault.created',
      organizationId: org,
      aggregateId: faultId,
      aggregateVersion: 1,
      payload: {
        faultId,
        buildingId: randomUUID(),
        unitId: null,
        priority: 'normal',
        title: 'Leak',
        reporterUserId: randomUUID(),
      },
    });

  it('outbox_lag_seconds is the age of the oldest unpublished event, and 0 once the relay published it', async () => {
    await app.get(OutboxRelay).relayOnce();
    expect(await metricValue('outbox_lag_seconds')).toBe(0);

    const id = await tx().run({ organizationId: org }, (m) => writeFaultCreated(m));
    await owner.query(`UPDATE outbox SET created_at = now() - interval '10 minutes' WHERE id = $1`, [id]);
    const lag = await metricValue('outbox_lag_seconds');
    expect(lag).toBeGreaterThanOrEqual(600);
    expect(lag).toBeLessThan(700);

    await app.get(OutboxRelay).relayOnce();
    expect(await metricValue('outbox_lag_seconds')).toBe(0);
  });

  it('faults_opened_total counts an event once its transaction commits, never one rolled back', async () => {
    const before = (await metricValue('faults_opened_total')) ?? 0;
    await tx().run({ organizationId: org }, async (m) => {
      await writeFaultCreated(m);
      // Not counted yet: the transaction may still roll back.
      expect(await metricValue('faults_opened_total')).toBe(before);
    });
    expect(await metricValue('faults_opened_total')).toBe(before + 1);

    await expect(
      tx().run({ organizationId: org }, async (m) => {
        await writeFaultCreated(m);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await metricValue('faults_opened_total')).toBe(before + 1);
  });

  it('leaves out the events of a savepoint rolled back inside a transaction that commits', async () => {
    const before = (await metricValue('faults_opened_total')) ?? 0;
    await tx().run({ organizationId: org }, async (m) => {
      await writeFaultCreated(m);
      await m
        .transaction(async (inner) => {
          await writeFaultCreated(inner);
          throw new Error('inner rolled back');
        })
        .catch(() => undefined);
      await m.transaction((inner) => writeFaultCreated(inner));
    });
    expect(await metricValue('faults_opened_total')).toBe(before + 2);
  });
});
