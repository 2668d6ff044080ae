import { Injectable } from '@nestjs/common';
import { OutboxEvent } from '@ppt/db';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AGGREGATE_OF, type DomainEventPayloads, type DomainEventType } from './domain-events';

/**
 * Writes an event inside the caller's transaction (the manager of a TenantTransactions scope): it
 * commits with the change, or disappears with it.
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
    // No RETURNING: the row is written in the organisation's scope; nothing needs reading back.
    await manager
      .createQueryBuilder()
      .insert()
      .into(OutboxEvent)
      .updateEntity(false)
      .values({
        id,
        organizationId: event.organizationId,
        type: event.type,
        aggregateType: AGGREGATE_OF[event.type],
        aggregateId: event.aggregateId,
        aggregateVersion: event.aggregateVersion,
        payload: event.payload as never,
      })
      .execute();
    return id;
  }
}
