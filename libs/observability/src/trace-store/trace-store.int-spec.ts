import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { register } from 'prom-client';
import { TraceStoreProcessor, type TraceStoreOptions } from './trace-store.processor';
import { dropExpiredPartitions, ensurePartitions, partitionName } from './trace-store.schema';

// The test PostgreSQL of @ppt/testing (not imported: testing depends on http, which depends on this lib).
const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** A finished span as the SDK hands it to a processor (only the fields the store reads). */
function span(overrides: {
  name?: string;
  sampled?: boolean;
  kind?: SpanKind;
  error?: boolean;
  durationMs?: number;
  attributes?: Record<string, string>;
  traceId?: string;
}): ReadableSpan {
  const now = Date.now();
  const ms = overrides.durationMs ?? 5;
  return {
    name: overrides.name ?? 'GET',
    kind: overrides.kind ?? SpanKind.SERVER,
    spanContext: () => ({
      traceId: overrides.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: overrides.sampled === false ? TraceFlags.NONE : TraceFlags.SAMPLED,
    }),
    startTime: [Math.floor(now / 1000), (now % 1000) * 1e6],
    duration: [Math.floor(ms / 1000), (ms % 1000) * 1e6],
    status: overrides.error
      ? { code: SpanStatusCode.ERROR, message: 'boom' }
      : { code: SpanStatusCode.UNSET },
    attributes: overrides.attributes ?? {},
    resource: { attributes: { 'service.name': 'test-service' } },
  } as unknown as ReadableSpan;
}

async function dropped(reason: string): Promise<number> {
  const metric = await register.getSingleMetric('trace_store_spans_dropped_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('the PostgreSQL trace store', () => {
  const name = `ppt_traces_${randomBytes(6).toString('hex')}`;
  let pool: Pool;
  const processors: TraceStoreProcessor[] = [];
  const processor = (options: Partial<TraceStoreOptions> = {}) => {
    const p = new TraceStoreProcessor({
      pool: new Pool({ connectionString: storeUrl() }),
      maxQueue: 100,
      batchSize: 10,
      flushIntervalMs: 60_000,
      slowMs: 1000,
      retentionDays: 7,
      housekeepingIntervalMs: 3_600_000,
      ...options,
    });
    processors.push(p);
    return p;
  };
  const storeUrl = () => {
    const url = new URL(TEST_DATABASE_ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };

  beforeAll(async () => {
    const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    pool = new Pool({ connectionString: storeUrl() });
  });
  afterAll(async () => {
    for (const p of processors) await p.shutdown();
    await pool.end();
    const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('keeps sampled spans, and unsampled ones only when they failed or were slow entry spans', () => {
    const p = processor();
    expect(p.keeps(span({ sampled: true }))).toBe(true);
    expect(p.keeps(span({ sampled: false }))).toBe(false);
    expect(p.keeps(span({ sampled: false, error: true, kind: SpanKind.CLIENT }))).toBe(true);
    expect(p.keeps(span({ sampled: false, durationMs: 1500 }))).toBe(true);
    expect(p.keeps(span({ sampled: false, durationMs: 1500, kind: SpanKind.CONSUMER }))).toBe(true);
    expect(p.keeps(span({ sampled: false, durationMs: 1500, kind: SpanKind.INTERNAL }))).toBe(false);
  });

  it('writes spans in batches into day partitions, without query strings', async () => {
    const p = processor();
    const traceId = randomBytes(16).toString('hex');
    for (let i = 0; i < 25; i++) {
      p.onEnd(
        span({
          traceId,
          attributes: { 'url.full': 'http://x.test/a?token=secret', 'url.query': 'token=secret' },
        }),
      );
    }
    p.onEnd(span({ traceId, sampled: false })); // not kept
    await p.forceFlush();
    const { rows } = await pool.query<{ n: string; part: string; attrs: Record<string, string> }>(
      `SELECT count(*) OVER () AS n, tableoid::regclass::text AS part, attributes AS attrs
         FROM traces.spans WHERE trace_id = $1 LIMIT 1`,
      [traceId],
    );
    const [first] = rows;
    expect(Number(first?.n)).toBe(25);
    expect(first?.part).toBe(`traces.${partitionName(new Date())}`);
    expect(first?.attrs).toEqual({ 'url.full': 'http://x.test/a' });
    expect(JSON.stringify(rows)).not.toContain('secret');
  });

  it('drops (and counts) spans beyond its queue instead of making anyone wait', async () => {
    const p = processor({ maxQueue: 3, batchSize: 1000 });
    const before = await dropped('queue_full');
    const traceId = randomBytes(16).toString('hex');
    for (let i = 0; i < 5; i++) p.onEnd(span({ traceId }));
    expect(p.queueLength()).toBe(3);
    expect((await dropped('queue_full')) - before).toBe(2);
    await p.forceFlush();
    const { rows } = await pool.query('SELECT 1 FROM traces.spans WHERE trace_id = $1', [traceId]);
    expect(rows).toHaveLength(3);
  });

  it('counts a batch it could not write and goes on', async () => {
    const p = new TraceStoreProcessor({
      pool: new Pool({ connectionString: storeUrl().replace(name, `${name}_missing`) }),
      maxQueue: 10,
      batchSize: 10,
      flushIntervalMs: 60_000,
      slowMs: 1000,
      retentionDays: 7,
      housekeepingIntervalMs: 3_600_000,
    });
    processors.push(p);
    const before = await dropped('write_failed');
    p.onEnd(span({}));
    p.onEnd(span({}));
    await p.forceFlush();
    expect((await dropped('write_failed')) - before).toBe(2);
    expect(p.queueLength()).toBe(0);
  });

  it('drops whole day partitions past the retention period', async () => {
    const day = 86_400_000;
    await ensurePartitions(pool, Date.now() - 12 * day, 13); // 13 days ago … tomorrow
    const dropped = await dropExpiredPartitions(pool, 7);
    const days = [13, 12, 11, 10, 9, 8].map((d) => new Date(Date.now() - d * day));
    expect(dropped).toEqual(
      [...days.map((d) => partitionName(d, 'job_runs')), ...days.map((d) => partitionName(d))].sort(),
    );
    const { rows } = await pool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid ORDER BY 1`,
    );
    expect(rows.map((r) => r.relname)).toContain(partitionName(new Date()));
    expect(rows.map((r) => r.relname)).toContain(partitionName(new Date(Date.now() - 7 * day)));
    expect(rows.map((r) => r.relname)).not.toContain(partitionName(new Date(Date.now() - 8 * day)));
  });
});
