import { Injectable, type OnModuleInit } from '@nestjs/common';
import { processCounter } from '@ppt/observability';
import {
  DataSource,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
  type TransactionStartEvent,
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

/**
 * What OutboxWriter noted on a transaction's query runner: the counted events written so far, and
 * for each open transaction block (the transaction, then each savepoint) how many had been written
 * when it began: a block rolled back drops the events written after its mark.
 */
interface Noted {
  written: DomainEventType[];
  savepoints: number[];
}
const NOTED = 'committedEventCounters';

function notedOn(queryRunner: QueryRunner): Noted {
  const data = queryRunner.data as { [NOTED]?: Noted };
  return (data[NOTED] ??= { written: [], savepoints: [] });
}

/** Called by OutboxWriter for each event written in `queryRunner`'s transaction. */
export function noteEventWritten(queryRunner: QueryRunner | undefined, type: DomainEventType): void {
  if (queryRunner && COUNTED[type]) notedOn(queryRunner).written.push(type);
}

/**
 * Counts the business events of a transaction once it has committed, wherever it was written (a
 * request, a job), so a rolled-back change is never counted and no service carries metric code.
 * A TypeORM subscriber: TypeORM calls it around every transaction and savepoint of the app's
 * DataSource.
 */
@Injectable()
export class CommittedEventCounters implements EntitySubscriberInterface, OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  afterTransactionStart({ queryRunner }: TransactionStartEvent): void {
    const noted = notedOn(queryRunner);
    noted.savepoints.push(noted.written.length);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    const noted = notedOn(queryRunner);
    noted.savepoints.pop();
    // A savepoint released inside a running transaction commits nothing yet.
    if (queryRunner.isTransactionActive) return;
    for (const type of noted.written) COUNTED[type]?.inc();
    noted.written = [];
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    const noted = notedOn(queryRunner);
    noted.written.length = noted.savepoints.pop() ?? 0;
  }
}
