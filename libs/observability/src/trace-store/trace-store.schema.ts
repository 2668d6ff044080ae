import type { Pool, PoolClient } from 'pg';

/**
 * The trace store: spans of every service in one table, partitioned by day (UTC) so that retention
 * drops whole partitions instead of deleting rows. It lives in its own database
 * (TRACE_STORE_DATABASE_URL), as Jaeger's or Tempo's storage would: the services write to it from
 * processes confined to different schemas of the application database (api-server to `public`, the
 * portal to `portal`), and spans of every organisation are platform data, read by platform admins
 * only. The connecting role owns what it creates here, so it can add and drop partitions.
 */
export const SPANS_TABLE = 'traces.spans';

/** The day-partitioned tables of the store. */
const PARTITIONED = ['spans', 'job_runs'] as const;

/** One advisory lock key for the schema and partition work (several processes start together). */
const SCHEMA_LOCK = 7_261_022;

export async function ensureTraceStoreSchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock($1)`, [SCHEMA_LOCK]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS traces`);
    await c.query(`
      CREATE TABLE IF NOT EXISTS traces.spans (
        trace_id       text             NOT NULL,
        span_id        text             NOT NULL,
        parent_span_id text,
        service        text             NOT NULL,
        name           text             NOT NULL,
        kind           smallint         NOT NULL,
        start_time     timestamptz      NOT NULL,
        duration_ms    double precision NOT NULL,
        status         text             NOT NULL,
        status_message text,
        sampled        boolean          NOT NULL,
        attributes     jsonb            NOT NULL DEFAULT '{}'
      ) PARTITION BY RANGE (start_time)`);
    // One row per job execution (job statistics, issue #22 item 3), written by the processor wrapper.
    await c.query(`
      CREATE TABLE IF NOT EXISTS traces.job_runs (
        queue           text             NOT NULL,
        name            text             NOT NULL,
        job_id          text             NOT NULL,
        organization_id uuid,
        attempt         integer          NOT NULL,
        max_attempts    integer          NOT NULL,
        started_at      timestamptz      NOT NULL,
        duration_ms     double precision NOT NULL,
        outcome         text             NOT NULL,
        error_code      text,
        trace_id        text
      ) PARTITION BY RANGE (started_at)`);
    await c.query(`CREATE INDEX IF NOT EXISTS job_runs_queue ON traces.job_runs (queue, name, started_at)`);
    await c.query(`CREATE INDEX IF NOT EXISTS spans_trace ON traces.spans (trace_id)`);
    await c.query(`CREATE INDEX IF NOT EXISTS spans_recent ON traces.spans (start_time DESC)`);
    await c.query(
      `CREATE INDEX IF NOT EXISTS spans_operation ON traces.spans (service, name, start_time DESC)`,
    );
  });
}

/** Name of the partition of `table` holding the day (UTC) of `day`. */
export function partitionName(day: Date, table: (typeof PARTITIONED)[number] = 'spans'): string {
  return `${table}_${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

const DAY_MS = 86_400_000;
const startOfDay = (t: number) => new Date(Math.floor(t / DAY_MS) * DAY_MS);

/** Partitions from yesterday to `daysAhead` days ahead exist afterwards (idempotent). */
export async function ensurePartitions(pool: Pool, now = Date.now(), daysAhead = 2): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock($1)`, [SCHEMA_LOCK]);
    for (let d = -1; d <= daysAhead; d++) {
      const from = startOfDay(now + d * DAY_MS);
      const to = new Date(from.getTime() + DAY_MS);
      for (const table of PARTITIONED) {
        await c.query(
          `CREATE TABLE IF NOT EXISTS traces.${partitionName(from, table)} PARTITION OF traces.${table}
             FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
      }
    }
  });
}

/** Drops the day partitions that end before `retentionDays` ago; returns their names. */
export async function dropExpiredPartitions(
  pool: Pool,
  retentionDays: number,
  now = Date.now(),
): Promise<string[]> {
  return inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock($1)`, [SCHEMA_LOCK]);
    const expired: string[] = [];
    for (const table of PARTITIONED) {
      const cutoff = partitionName(startOfDay(now - retentionDays * DAY_MS), table);
      const { rows } = await c.query<{ name: string }>(
        `SELECT child.relname AS name
           FROM pg_inherits i
           JOIN pg_class child ON child.oid = i.inhrelid
           JOIN pg_class parent ON parent.oid = i.inhparent
           JOIN pg_namespace n ON n.oid = parent.relnamespace
          WHERE n.nspname = 'traces' AND parent.relname = $1`,
        [table],
      );
      // Names sort like their days (<table>_YYYYMMDD).
      const pattern = new RegExp(`^${table}_\\d{8}$`);
      expired.push(...rows.map((r) => r.name).filter((name) => pattern.test(name) && name < cutoff));
    }
    for (const name of expired) await c.query(`DROP TABLE traces.${name}`);
    return expired.sort();
  });
}

async function inTransaction<T>(pool: Pool, run: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
