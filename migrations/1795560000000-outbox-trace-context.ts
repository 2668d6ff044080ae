import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #22 (one trace per user action): an outbox event keeps the W3C trace context of the request
 * that wrote it, so the jobs the relay publishes later are children of that request's trace.
 * Nullable: events written outside a trace (and all older rows) have none.
 */
export class OutboxTraceContext1795560000000 implements MigrationInterface {
  name = 'OutboxTraceContext1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN trace_context jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN trace_context`);
  }
}
