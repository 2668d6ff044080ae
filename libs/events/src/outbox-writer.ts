import { Injectable } from '@nestjs/common';
import { currentTraceCarrier } from '@ppt/observability';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { noteEventWritten } from './committed-event-counters';
import { AGGREGATE_OF, type DomainEventPayloads, type DomainEventType } from './domain-events';

/**
 * Writes an event inside the caller's transaction (the manager of a TenantTransactions scope): it
 * commits with the change, or disappears with it.
 *
 * Each event gets the next number in its aggregate's sequence. A transaction-scoped advisory lock on
 * the aggregate is taken before the last number is read and held until commit, so two transactions
 * writing events of one aggregate number them in the order they commit (the relay publishes in that
 * order).
 */
@Injectable()
export class OutboxWriter {
  async write<T extends DomainEventType>(
    manager: EntityManager,
    event: {
      type: T;
      organizationId: string;
      aggregateId: string;
      aggregateVersion: number;
      payload: DomainEventPayloads[T];
    },
  ): Promise<string> {
    const id = randomUUID();
    const aggregateType = AGGREGATE_OF[event.type];
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `outbox:${aggregateType}:${event.aggregateId}`,
    ]);
    const [last] = (await manager.query(
      `SELECT max(aggregate_sequence) AS n FROM outbox WHERE aggregate_type = $1 AND aggregate_id = $2`,
      [aggregateType, event.aggregateId],
    )) as { n: number | null }[];
    // Plain SQL, like the relay: this lib is shared by both apps and maps no entity (the outbox's entity,
    // OutboxEvent, is the PM's, in @ppt/api-db). The other columns take their defaults. No RETURNING: the
    // row is written in the organisation's scope; nothing needs reading back.
    const traceContext = currentTraceCarrier();
    await manager.query(
      `INSERT INTO outbox (id, organization_id, type, aggregate_type, aggregate_id, aggregate_version,
                           aggregate_sequence, payload, trace_context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        id,
        event.organizationId,
        event.type,
        aggregateType,
        event.aggregateId,
        event.aggregateVersion,
        (last?.n ?? 0) + 1,
        JSON.stringify(event.payload),
        traceContext ? JSON.stringify(traceContext) : null,
      ],
    );
    noteEventWritten(manager.queryRunner, event.type);
    return id;
  }
}
