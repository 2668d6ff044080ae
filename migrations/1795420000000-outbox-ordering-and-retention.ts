import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox (issue #16, item 7): events of one aggregate are published in order, the relay claims rows
 * with a lease instead of holding row locks while it talks to Redis, and old rows are pruned.
 *
 * - `aggregate_sequence` numbers an aggregate's events in commit order (the writer takes a
 *   transaction-scoped advisory lock per aggregate before reading the last number), unique per
 *   aggregate within its organisation (like every unique index of a tenant table: the writer sees only
 *   its organisation's rows). Existing rows are numbered by creation time.
 * - `claimed_until` / `claim_token`: a relay pass claims a batch in a short transaction and commits;
 *   it publishes without any transaction open and settles the rows in a second one. A relay that dies
 *   mid-pass leaves a claim that expires.
 * - Published rows and consumed-event markers older than the retention period are deleted by the
 *   relay (partial index on `published_at`, index on `consumed_at`). The relay runs as `ppt_jobs`,
 *   which may now delete outbox rows that are published (never a pending one) and consumed-event
 *   markers.
 */
export class OutboxOrderingAndRetention1795420000000 implements MigrationInterface {
  name = 'OutboxOrderingAndRetention1795420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD aggregate_sequence integer`);
    // The owner is subject to FORCE ROW LEVEL SECURITY (no organisation set: it would see no row and
    // number nothing); lifted only inside this migration's transaction to number every organisation's rows.
    await q.query(`ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY`);
    await q.query(`
      UPDATE outbox o SET aggregate_sequence = n.seq
        FROM (SELECT id, row_number() OVER (PARTITION BY organization_id, aggregate_type, aggregate_id
                                            ORDER BY created_at, aggregate_version, id) AS seq
                FROM outbox) n
       WHERE n.id = o.id`);
    await q.query(`ALTER TABLE outbox FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE outbox ALTER aggregate_sequence SET NOT NULL`);
    await q.query(`ALTER TABLE outbox ADD claimed_until timestamptz`);
    await q.query(`ALTER TABLE outbox ADD claim_token uuid`);
    await q.query(
      `CREATE UNIQUE INDEX uq_outbox_aggregate_sequence ON outbox (organization_id, aggregate_type, aggregate_id, aggregate_sequence)`,
    );
    await q.query(`CREATE INDEX ix_outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL`);
    await q.query(`CREATE INDEX ix_consumed_events_consumed_at ON consumed_events (consumed_at)`);
    await q.query(`GRANT DELETE ON outbox TO ppt_jobs`);
    await q.query(`
      CREATE POLICY outbox_relay_prune ON outbox FOR DELETE TO ppt_jobs
        USING (app_platform_scope() = 'outbox-relay' AND published_at IS NOT NULL)`);
    await q.query(`GRANT SELECT, DELETE ON consumed_events TO ppt_jobs`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT, DELETE ON consumed_events FROM ppt_jobs`);
    await q.query(`DROP POLICY outbox_relay_prune ON outbox`);
    await q.query(`REVOKE DELETE ON outbox FROM ppt_jobs`);
    await q.query(`DROP INDEX ix_consumed_events_consumed_at`);
    await q.query(`DROP INDEX ix_outbox_published`);
    await q.query(`DROP INDEX uq_outbox_aggregate_sequence`);
    await q.query(`ALTER TABLE outbox DROP claim_token`);
    await q.query(`ALTER TABLE outbox DROP claimed_until`);
    await q.query(`ALTER TABLE outbox DROP aggregate_sequence`);
  }
}
