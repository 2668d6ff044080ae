import { Injectable, type OnModuleInit } from '@nestjs/common';
import { processCounter } from '@ppt/observability';
import {
  DataSource,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { DomainEventType } from './domain-events';

/**
 * Business counters, one per domain event that marks a business fact. No organisation label: its
 * cardinality grows with the customer base (per-organisation figures come from the database).
 */
const COUNTED: Partial<Record<DomainEventType, ReturnType<typeof processCounter>>> = {
  'listing.published': processCounter({
    name: 'listings_published_total',
    help: 'Listings published (taken to the market), counted when the change commits',
  }),
  'fault.created': processCounter({
    name: 'faults_opened_total',
    help: 'Faults reported, counted when the report commits',
  }),
  'vote.closed': processCounter({
    name: 'votes_closed_total',
    help: 'Votes closed, by a manager or by the schedule at their end, counted when the close commits',
  }),
};

/** Where OutboxWriter notes, on the transaction's query runner, the counted events it wrote. */
const WRITTEN = 'countedEventsWritten';

/** Called by OutboxWriter for each event written in `queryRunner`'s transaction. */
export function noteEventWritten(queryRunner: QueryRunner | undefined, type: DomainEventType): void {
  if (!queryRunner || !COUNTED[type]) return;
  const data = queryRunner.data as { [WRITTEN]?: DomainEventType[] };
  (data[WRITTEN] ??= []).push(type);
}

/**
 * Counts the business events of a transaction once it has committed, wherever it was written (a
 * request, a job), so a rolled-back change is never counted and no service carries metric code.
 * A TypeORM subscriber: TypeORM calls it after every COMMIT and ROLLBACK of the app's DataSource.
 */
@Injectable()
export class CommittedEventCounters implements EntitySubscriberInterface, OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // A savepoint released inside a running transaction commits nothing yet.
    if (queryRunner.isTransactionActive) return;
    const data = queryRunner.data as { [WRITTEN]?: DomainEventType[] };
    for (const type of data[WRITTEN] ?? []) COUNTED[type]?.inc();
    delete data[WRITTEN];
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    // A savepoint rolled back drops what the whole transaction noted: an undercount, never an overcount.
    delete (queryRunner.data as { [WRITTEN]?: DomainEventType[] })[WRITTEN];
  }
}
