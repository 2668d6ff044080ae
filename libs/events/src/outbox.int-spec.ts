import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { DatabaseModule, TenantTransactions } from '@ppt/db';
import { ALL_QUEUES, QueueModule, QueueName } from '@ppt/queue';
import { RedisModule } from '@ppt/redis';
import {
  createTestDatabase,
  eventually,
  startPrivateRedis,
  type PrivateRedis,
  type TestDatabase,
} from '@ppt/testing';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { Client } from 'pg';
import { consumeOnce } from './consume-once';
import { organizationChannel, type DomainEvent } from './domain-events';
import { EventsModule, OutboxRelayModule } from './events.module';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { nextPassDelay } from './outbox-relay';

/** The writer and the relay work on the outbox in SQL: the lib maps no entity (the PM's are not its to import). */
const OUTBOX_IN_SQL: never[] = [];

describe('transactional outbox', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let app: INestApplication;
  let owner: Client;
  const org = randomUUID();
  const prefix = 'ev:';

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Outbox Org', $2)`, [
      org,
      `outbox-${org}`,
    ]);
    const env = validateEnv(CoreEnv, {
      // The relay is a platform job: it runs as the worker's role.
      DATABASE_URL: db.workerUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(env),
        DatabaseModule.forRoot({
          applicationName: 'outbox-test',
          entities: OUTBOX_IN_SQL,
          runsPlatformJobs: true,
        }),
        RedisModule,
        QueueModule.forRoot(),
        EventsModule,
        OutboxRelayModule.register({ pollIntervalMs: 50, maxBackoffMs: 300 }),
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
  const writer = () => app.get(OutboxWriter);
  const queue = () => app.get<Queue>(getQueueToken(QueueName.Syndication));
  /** A listing event: EVENT_QUEUES routes it to the syndication queue. */
  const write = (m: Parameters<OutboxWriter['write']>[0], listingId = randomUUID()) =>
    writer().write(m, {
      type: 'listing.published',
      organizationId: org,
      aggregateId: listingId,
      aggregateVersion: 1,
      payload: {
        listingId,
        status: 'published',
        transaction: 'rent',
        propertyType: 'apartment',
        title: 'Sunny 2+kk in Vinohrady',
        description: '',
        priceAmount: 2450000,
        currency: 'CZK',
        areaM2: 54,
        rooms: 2,
        floor: 3,
        energyClass: 'C',
        features: [],
        addressLine: 'Slezská 12',
        city: 'Praha',
        region: null,
        postalCode: '120 00',
        country: 'CZ',
        latitude: null,
        longitude: null,
        photoDocumentIds: [],
        contactUserId: null,
        publishedAt: new Date().toISOString(),
      },
    });
  /** An in-app notification event: routed to no queue, only announced on the channel (for the gateway). */
  const writeFault = (m: Parameters<OutboxWriter['write']>[0], faultId = randomUUID()) =>
    writer().write(m, {
      type: 'notification.created',
      organizationId: org,
      aggregateId: faultId,
      aggregateVersion: 1,
      payload: { notificationId: faultId, userId: randomUUID(), type: 'fault_update', title: 'Leaking pipe' },
    });
  const unpublished = async () =>
    (await owner.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).rows[0]
      .n as number;

  it("publishes a committed event as a Bull job on each queue its type routes to (job id = event id) and on the organisation's channel", async () => {
    const listener = new Redis(redis.url);
    const received: DomainEvent[] = [];
    await listener.subscribe(organizationChannel(prefix, org));
    listener.on('message', (_channel, message) => received.push(JSON.parse(message) as DomainEvent));
    try {
      const id = await tx().run({ organizationId: org }, (m) => write(m));
      await eventually(async () => received.some((e) => e.id === id));
      const job = await queue().getJob(id);
      expect(job?.name).toBe('listing.published');
      expect(job?.data).toMatchObject({
        id,
        type: 'listing.published',
        organizationId: org,
        aggregateVersion: 1,
        payload: { title: 'Sunny 2+kk in Vinohrady', priceAmount: 2450000 },
      });
      await eventually(async () => (await unpublished()) === 0);

      const faultId = await tx().run({ organizationId: org }, (m) => writeFault(m));
      await eventually(async () => received.some((e) => e.id === faultId));
      await eventually(async () => (await unpublished()) === 0);
      for (const name of ALL_QUEUES) {
        expect(await app.get<Queue>(getQueueToken(name)).getJob(faultId)).toBeNull();
      }
    } finally {
      listener.disconnect();
    }
  });

  it("writes nothing when the change's transaction fails", async () => {
    const before = (await owner.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n;
    await expect(
      tx().run({ organizationId: org }, async (m) => {
        await write(m);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await owner.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n).toBe(before);
  });

  it("refuses an event for another organisation than the transaction's", async () => {
    await expect(tx().run({ organizationId: randomUUID() }, (m) => write(m))).rejects.toThrow(
      /row-level security|foreign key/,
    );
  });

  it('keeps events while Redis is down and delivers each exactly once after it returns', async () => {
    await redis.stop();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await tx().run({ organizationId: org }, (m) => write(m)));
    await eventually(
      async () =>
        (await owner.query(`SELECT min(attempts)::int AS a FROM outbox WHERE id = ANY($1)`, [ids])).rows[0]
          .a >= 1,
    );
    expect(await unpublished()).toBe(3);
    const errors = await owner.query(`SELECT last_error FROM outbox WHERE id = ANY($1)`, [ids]);
    expect(errors.rows.every((r) => typeof r.last_error === 'string')).toBe(true);

    await redis.start();
    await eventually(async () => (await unpublished()) === 0, 20_000);
    for (const id of ids) expect((await queue().getJob(id))?.data.id).toBe(id);
    // A second pass (e.g. another worker, or a retry after a crash) publishes nothing twice.
    expect(await app.get(OutboxRelay).relayOnce()).toBe(0);
    expect(
      (await queue().getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) =>
        ids.includes(String(j.id)),
      ),
    ).toHaveLength(3);
  });

  it('lets a consumer apply a redelivered event only once', async () => {
    const applied: string[] = [];
    const eventId = randomUUID();
    for (let i = 0; i < 3; i++) {
      await tx().run({ organizationId: org }, (m) =>
        consumeOnce(m, 'test-consumer', eventId, async () => void applied.push(eventId)),
      );
    }
    expect(applied).toEqual([eventId]);
    const other = await tx().run({ organizationId: org }, (m) =>
      consumeOnce(m, 'another-consumer', eventId, async () => undefined),
    );
    expect(other).toBe(true);
  });

  it('numbers the events of one aggregate in commit order: a second writer waits for the first to commit', async () => {
    const listingId = randomUUID();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = tx().run({ organizationId: org }, async (m) => {
      const id = await write(m, listingId);
      firstWrote();
      await firstMayCommit;
      return id;
    });
    await firstHasWritten;
    let secondDone = false;
    const second = tx()
      .run({ organizationId: org }, (m) => write(m, listingId))
      .finally(() => (secondDone = true));
    // The second writer is parked on the aggregate's lock while the first is open.
    await eventually(async () => {
      const waiting = await owner.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      return waiting.rows[0].n >= 1;
    });
    expect(secondDone).toBe(false);
    releaseFirst();
    const [firstId, secondId] = await Promise.all([first, second]);
    const rows = await owner.query(
      `SELECT id, aggregate_sequence FROM outbox WHERE aggregate_id = $1 ORDER BY aggregate_sequence`,
      [listingId],
    );
    expect(rows.rows).toEqual([
      { id: firstId, aggregate_sequence: 1 },
      { id: secondId, aggregate_sequence: 2 },
    ]);
  });

  it("publishes one aggregate's events in sequence order; an event waiting for its retry holds back only its own aggregate", async () => {
    const listener = new Redis(redis.url);
    const received: string[] = [];
    await listener.subscribe(organizationChannel(prefix, org));
    listener.on('message', (_channel, message) => received.push((JSON.parse(message) as DomainEvent).id));
    try {
      const held = randomUUID();
      const other = randomUUID();
      // One transaction, so the running relay sees all three at once: the aggregate's first event
      // failed before and waits for its retry in an hour.
      const [first, second, unrelated] = await tx().run({ organizationId: org }, async (m) => {
        const a1 = await write(m, held);
        await m.query(
          `UPDATE outbox SET attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = $1`,
          [a1],
        );
        return [a1, await write(m, held), await writeFault(m, other)];
      });
      // The relay publishes, then records the outcome in its own transaction: wait for the record.
      await eventually(async () => {
        const row = await owner.query(
          `SELECT published_at IS NOT NULL AS published FROM outbox WHERE id = $1`,
          [unrelated],
        );
        return row.rows[0].published === true;
      });
      expect(received).toContain(unrelated);
      await app.get(OutboxRelay).relayOnce();
      const state = await owner.query(
        `SELECT id, published_at IS NOT NULL AS published FROM outbox WHERE id = ANY($1)`,
        [[first, second, unrelated]],
      );
      expect(Object.fromEntries(state.rows.map((r) => [r.id, r.published]))).toEqual({
        [first]: false,
        [second]: false,
        [unrelated]: true,
      });
      expect(received).not.toContain(second);

      await owner.query(`UPDATE outbox SET next_attempt_at = now() WHERE id = $1`, [first]);
      await eventually(async () => received.includes(second));
      expect(received.filter((id) => id === first || id === second)).toEqual([first, second]);
    } finally {
      listener.disconnect();
    }
  });

  it('holds no row lock and no open transaction while it waits for Redis', async () => {
    const pauser = new Redis(redis.url);
    try {
      // Redis withholds every answer for a while: a pass that reached publish() waits there.
      await pauser.call('CLIENT', 'PAUSE', '4000', 'ALL');
      const id = await tx().run({ organizationId: org }, (m) => writeFault(m));
      await eventually(async () => {
        const claimed = await owner.query(
          `SELECT claimed_until IS NOT NULL AS claimed FROM outbox WHERE id = $1`,
          [id],
        );
        return claimed.rows[0].claimed === true;
      });
      // Another session can lock the row at once, and the relay's connection is not inside a transaction.
      await owner.query('BEGIN');
      try {
        const locked = await owner.query(
          `SELECT id, published_at FROM outbox WHERE id = $1 FOR UPDATE NOWAIT`,
          [id],
        );
        expect(locked.rows).toEqual([{ id, published_at: null }]);
      } finally {
        await owner.query('ROLLBACK');
      }
      const relaySessions = await owner.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'outbox-test' AND state LIKE 'idle in transaction%'`,
      );
      expect(relaySessions.rows[0].n).toBe(0);
      await pauser.call('CLIENT', 'UNPAUSE');
      await eventually(async () => {
        const row = await owner.query(`SELECT published_at FROM outbox WHERE id = $1`, [id]);
        return row.rows[0].published_at !== null;
      });
    } finally {
      await pauser.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      pauser.disconnect();
    }
  });

  it('prunes published events and consumed-event markers past the retention period, and counts them', async () => {
    const counted = async (table: string) =>
      ((await register.getSingleMetric('outbox_pruned_rows_total')?.get())?.values ?? [])
        .filter((v) => v.labels.table === table)
        .reduce((sum, v) => sum + v.value, 0);
    const before = { outbox: await counted('outbox'), consumed: await counted('consumed_events') };
    const [oldPublished, recentPublished, oldPending] = await tx().run({ organizationId: org }, async (m) => [
      await writeFault(m),
      await writeFault(m),
      await writeFault(m),
    ]);
    await eventually(async () => (await unpublished()) === 0);
    await owner.query(`UPDATE outbox SET published_at = now() - interval '8 days' WHERE id = $1`, [
      oldPublished,
    ]);
    // Created long ago and never published (its aggregate's earlier event is stuck): it stays.
    await owner.query(
      `UPDATE outbox SET published_at = NULL, next_attempt_at = now() + interval '1 day' WHERE id = $1`,
      [oldPending],
    );
    await owner.query(`UPDATE outbox SET created_at = now() - interval '30 days' WHERE id = $1`, [
      oldPending,
    ]);
    const oldMarker = randomUUID();
    const recentMarker = randomUUID();
    await owner.query(
      `INSERT INTO consumed_events (consumer, event_id, consumed_at) VALUES
         ('prune-test', $1, now() - interval '8 days'), ('prune-test', $2, now())`,
      [oldMarker, recentMarker],
    );

    const result = await app.get(OutboxRelay).prune();
    expect(result.outbox).toBeGreaterThanOrEqual(1);
    expect(result.consumedEvents).toBeGreaterThanOrEqual(1);
    const left = await owner.query(`SELECT id FROM outbox WHERE id = ANY($1) ORDER BY id`, [
      [oldPublished, recentPublished, oldPending],
    ]);
    expect(left.rows.map((r) => r.id).sort()).toEqual([recentPublished, oldPending].sort());
    const markers = await owner.query(`SELECT event_id FROM consumed_events WHERE consumer = 'prune-test'`);
    expect(markers.rows.map((r) => r.event_id)).toEqual([recentMarker]);
    expect(await counted('outbox')).toBe(before.outbox + result.outbox);
    expect(await counted('consumed_events')).toBe(before.consumed + result.consumedEvents);
    await owner.query(`DELETE FROM outbox WHERE id = $1`, [oldPending]);
  });
});

describe('outbox relay pacing', () => {
  const options = { batchSize: 100, pollIntervalMs: 500 };

  it('starts the next pass at once after a full batch that published, so a backlog is not one batch per interval', () => {
    expect(nextPassDelay({ claimed: 100, published: 100 }, options)).toBe(0);
    expect(nextPassDelay({ claimed: 100, published: 1 }, options)).toBe(0);
  });

  it('waits the poll interval when the batch was not full, or when nothing could be published (Redis down)', () => {
    expect(nextPassDelay({ claimed: 99, published: 99 }, options)).toBe(500);
    expect(nextPassDelay({ claimed: 0, published: 0 }, options)).toBe(500);
    expect(nextPassDelay({ claimed: 100, published: 0 }, options)).toBe(500);
  });
});
