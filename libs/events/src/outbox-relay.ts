import { getQueueToken } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TenantTransactions } from '@ppt/db';
import { processCounter, processGauge, withTimeout } from '@ppt/observability';
import { QueueName, TRACE_CONTEXT_KEY } from '@ppt/queue';
import { RedisConnections } from '@ppt/redis';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import {
  EVENT_QUEUES,
  EVENT_STREAM_LENGTH,
  eventStreamKey,
  organizationChannel,
  type DomainEvent,
  type DomainEventType,
} from './domain-events';

export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');

export interface OutboxRelayOptions {
  /** How often to look for unpublished events. */
  pollIntervalMs: number;
  batchSize: number;
  /** Longest wait between attempts for one event (exponential back-off up to this). */
  maxBackoffMs: number;
  /** How long a pass's claim on its batch lasts (a relay that dies mid-pass frees it then). */
  claimMs: number;
  /** Published events and consumed-event markers older than this are deleted. */
  retentionMs: number;
  /** How often a relay prunes. */
  pruneIntervalMs: number;
}

const published = processCounter<'type'>({
  name: 'outbox_events_published_total',
  help: 'Domain events published from the outbox',
  labelNames: ['type'],
});
const failures = processCounter({
  name: 'outbox_publish_failures_total',
  help: 'Failed attempts to publish an outbox event',
});
const pruned = processCounter<'table'>({
  name: 'outbox_pruned_rows_total',
  help: 'Published outbox events and consumed-event markers deleted after the retention period, by table',
  labelNames: ['table'],
});

const liveRelays = new Set<OutboxRelay>();

/**
 * Read at scrape time, so a relay that is stuck (its loop hung, its process wedged on Redis) shows a
 * growing lag instead of its last value. Only processes that run a relay (the workers) export it:
 * HTTP pods scrape without touching the database. The query reads the unpublished rows only (the
 * partial index ix_outbox_pending), a handful in normal operation.
 */
const lag = processGauge({
  name: 'outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox event in seconds (0 when none); exported by workers',
  async collect() {
    this.reset();
    const ages = await Promise.all(
      [...liveRelays].map((relay) => withTimeout(relay.oldestUnpublishedAge(), 500).catch(() => undefined)),
    );
    const known = ages.filter((age): age is number => age !== undefined);
    // Database unreachable: no sample rather than a false 0; readiness shows the outage.
    if (known.length > 0) this.set(Math.max(...known));
  },
});
void lag;

/** Rows deleted per statement while pruning (keeps each delete short). */
const PRUNE_CHUNK = 5000;
/** One claiming pass at a time across relays (see claim()). */
const CLAIM_LOCK = 7_261_016;

interface ClaimedRow {
  id: string;
  organization_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  payload: Record<string, unknown>;
  trace_context: Record<string, string> | null;
  attempts: number;
  created_at: Date;
}

/**
 * Publishes outbox events at least once: as a Bull job on each queue EVENT_QUEUES routes its type to
 * (job id = event id, so a retry never enqueues twice), on the event stream (read by the WebSocket
 * gateways) and on the organisation's Redis channel; then
 * marks it published. While Redis is down, events stay in PostgreSQL and are retried with back-off.
 *
 * Order: events of one aggregate go out in their sequence order. A pass claims, per aggregate, only
 * the run of events from its earliest unpublished one up to the first that is not due, so an event
 * that keeps failing holds back the later events of its own aggregate and no others.
 *
 * Locks: the claim is a lease written in a short transaction (claimed_until, claim_token), committed
 * before Redis is called; the outcome is written in a second short transaction. No row lock or open
 * transaction is held while publishing, so a slow Redis never blocks writers or other relays.
 */
interface PassOutcome {
  claimed: number;
  published: number;
}

/**
 * When the next pass starts: at once after a full batch that published something (a backlog drains
 * at the speed of Redis, not one batch per poll interval); after the poll interval when the batch was
 * not full (nothing more is waiting) or nothing could be published (Redis down: no busy loop).
 */
export function nextPassDelay(
  pass: PassOutcome,
  options: Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs'>,
): number {
  return pass.claimed >= options.batchSize && pass.published > 0 ? 0 : options.pollIntervalMs;
}

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private lastPrunedAt = 0;
  /** What the latest pass claimed and published (decides when the next one starts). */
  private lastPass: PassOutcome = { claimed: 0, published: 0 };

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly redis: RedisConnections,
    private readonly moduleRef: ModuleRef,
    @Inject(OUTBOX_RELAY_OPTIONS) private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    liveRelays.add(this);
    const tick = () => {
      if (this.stopped) return;
      this.lastPass = { claimed: 0, published: 0 };
      this.running = this.relayOnce()
        .then(() => this.pruneIfDue())
        .catch((err: Error) => this.logger.error({ err }, 'Outbox relay pass failed'))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, nextPassDelay(this.lastPass, this.options));
        });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    liveRelays.delete(this);
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: publishes what is due; returns how many were published. */
  async relayOnce(): Promise<number> {
    const token = randomUUID();
    const batch = await this.claim(token);
    this.lastPass = { claimed: batch.length, published: 0 };
    if (batch.length === 0) return 0;
    const done: ClaimedRow[] = [];
    const failed: { row: ClaimedRow; error: string }[] = [];
    const heldBack: string[] = [];
    const blocked = new Set<string>();
    for (const row of batch) {
      const aggregate = `${row.aggregate_type}:${row.aggregate_id}`;
      if (blocked.has(aggregate)) {
        heldBack.push(row.id);
        continue;
      }
      try {
        await this.publish(row);
        done.push(row);
      } catch (err) {
        failures.inc();
        blocked.add(aggregate);
        failed.push({ row, error: (err as Error).message.slice(0, 1000) });
      }
    }
    await this.settle(token, done, failed, heldBack);
    this.lastPass.published = done.length;
    for (const row of done) published.inc({ type: row.type });
    return done.length;
  }

  /** Seconds since the oldest unpublished event was written; 0 when every event is out. */
  async oldestUnpublishedAge(): Promise<number> {
    const [row] = (await this.tenant.runPlatform('outbox-relay', async (m) => {
      // The scrape stops waiting after 500 ms; the server stops the query too, so a slow database
      // never keeps pool connections busy with lag readings.
      await m.query(`SET LOCAL statement_timeout = '500ms'`);
      return m.query(
        `SELECT COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
           FROM outbox WHERE published_at IS NULL`,
      );
    })) as { age: number }[];
    return Math.max(0, row.age);
  }

  /**
   * Deletes published events and consumed-event markers older than the retention period; returns how
   * many rows of each went. A marker is kept as long as its event, so a redelivery from the outbox
   * always finds it.
   */
  async prune(): Promise<{ outbox: number; consumedEvents: number }> {
    const cutoff = new Date(Date.now() - this.options.retentionMs);
    const outbox = await this.deleteInChunks(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 LIMIT ${PRUNE_CHUNK})`,
      cutoff,
    );
    pruned.inc({ table: 'outbox' }, outbox);
    const consumedEvents = await this.deleteInChunks(
      `DELETE FROM consumed_events WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM consumed_events WHERE consumed_at < $1 LIMIT ${PRUNE_CHUNK})`,
      cutoff,
    );
    pruned.inc({ table: 'consumed_events' }, consumedEvents);
    return { outbox, consumedEvents };
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrunedAt < this.options.pruneIntervalMs) return;
    this.lastPrunedAt = Date.now();
    const result = await this.prune();
    if (result.outbox + result.consumedEvents > 0) this.logger.log(result, 'Pruned the outbox');
  }

  private async deleteInChunks(sql: string, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.tenant.runPlatform('outbox-relay', async (m) => {
        const [, count] = (await m.query(sql, [cutoff])) as [unknown, number];
        return count;
      });
      total += deleted;
      if (deleted < PRUNE_CHUNK) return total;
    }
  }

  /**
   * Claims the next batch and commits. Per aggregate, a row is free when it and every earlier
   * unpublished row of the aggregate are due and unclaimed (a running bool_and over the sequence);
   * rows are taken aggregate by aggregate, in sequence order, so the batch limit only ever cuts off
   * the tail of an aggregate's run. Claiming passes take turns (an advisory lock held for the few
   * milliseconds of this transaction): two passes reading the same free rows could otherwise each
   * claim part of one aggregate's run and publish it out of order.
   */
  private claim(token: string): Promise<ClaimedRow[]> {
    return this.tenant.runPlatform('outbox-relay', async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [CLAIM_LOCK]);
      const [rows] = (await m.query(
        `WITH pending AS (
           SELECT id, aggregate_type, aggregate_id, aggregate_sequence, created_at,
                  bool_and(next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until <= now()))
                    OVER (PARTITION BY aggregate_type, aggregate_id ORDER BY aggregate_sequence) AS free
             FROM outbox
            WHERE published_at IS NULL
         ), picked AS (
           SELECT id, aggregate_type, aggregate_id, aggregate_sequence,
                  min(created_at) OVER (PARTITION BY aggregate_type, aggregate_id) AS aggregate_first
             FROM pending
            WHERE free
            ORDER BY aggregate_first, aggregate_type, aggregate_id, aggregate_sequence
            LIMIT $1
         )
         UPDATE outbox o
            SET claimed_until = now() + make_interval(secs => $2::double precision / 1000), claim_token = $3
           FROM picked
          WHERE o.id = picked.id
         RETURNING o.id, o.organization_id, o.type, o.aggregate_type, o.aggregate_id, o.aggregate_version,
                   o.aggregate_sequence, o.payload, o.trace_context, o.attempts, o.created_at`,
        [this.options.batchSize, this.options.claimMs, token],
      )) as [(ClaimedRow & { aggregate_sequence: number })[], number];
      // UPDATE … RETURNING does not keep the order of `picked`; only the order within an aggregate matters.
      return rows.sort(
        (a, b) =>
          a.aggregate_type.localeCompare(b.aggregate_type) ||
          a.aggregate_id.localeCompare(b.aggregate_id) ||
          a.aggregate_sequence - b.aggregate_sequence,
      );
    });
  }

  /** Records the pass's outcome for the rows it still holds (a claim that expired meanwhile is left alone). */
  private settle(
    token: string,
    done: ClaimedRow[],
    failed: { row: ClaimedRow; error: string }[],
    heldBack: string[],
  ): Promise<void> {
    return this.tenant.runPlatform('outbox-relay', async (m) => {
      if (done.length > 0) {
        await m.query(
          `UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL,
                  claimed_until = NULL, claim_token = NULL
            WHERE id = ANY($1) AND claim_token = $2`,
          [done.map((r) => r.id), token],
        );
      }
      for (const { row, error } of failed) {
        const attempts = row.attempts + 1;
        const delay = Math.min(this.options.maxBackoffMs, 1000 * 2 ** Math.min(attempts - 1, 20));
        await m.query(
          `UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4,
                  claimed_until = NULL, claim_token = NULL
            WHERE id = $1 AND claim_token = $5`,
          [row.id, attempts, new Date(Date.now() + delay), error, token],
        );
      }
      if (heldBack.length > 0) {
        await m.query(
          `UPDATE outbox SET claimed_until = NULL, claim_token = NULL WHERE id = ANY($1) AND claim_token = $2`,
          [heldBack, token],
        );
      }
    });
  }

  private async publish(row: ClaimedRow): Promise<void> {
    const event: DomainEvent = {
      id: row.id,
      type: row.type as DomainEventType,
      organizationId: row.organization_id,
      aggregateId: row.aggregate_id,
      aggregateVersion: row.aggregate_version,
      payload: row.payload as never,
      occurredAt: row.created_at.toISOString(),
    };
    // The jobs join the trace of the request that wrote the event, not this relay pass.
    const job = row.trace_context ? { ...event, [TRACE_CONTEXT_KEY]: row.trace_context } : event;
    for (const name of EVENT_QUEUES[event.type]) {
      await this.queue(name).add(event.type, job, { jobId: event.id });
    }
    const publisher = this.redis.get('events-publisher', { raw: true });
    const message = JSON.stringify(event);
    // The stream first: a retry after a failed publish appends again, and readers skip ids they have seen.
    await publisher.xadd(
      eventStreamKey(this.redis.keyPrefix),
      'MAXLEN',
      '~',
      EVENT_STREAM_LENGTH,
      '*',
      'e',
      message,
    );
    await publisher.publish(organizationChannel(this.redis.keyPrefix, event.organizationId), message);
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
