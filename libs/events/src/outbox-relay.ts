import { getQueueToken } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OutboxEvent, TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { QueueName } from '@ppt/queue';
import { RedisConnections } from '@ppt/redis';
import type { Queue } from 'bull';
import { EVENT_QUEUES, organizationChannel, type DomainEvent, type DomainEventType } from './domain-events';

export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');

export interface OutboxRelayOptions {
  /** How often to look for unpublished events. */
  pollIntervalMs: number;
  batchSize: number;
  /** Longest wait between attempts for one event (exponential back-off up to this). */
  maxBackoffMs: number;
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

/**
 * Publishes outbox events at least once: as a Bull job on each queue EVENT_QUEUES routes its type to
 * (job id = event id, so a retry never enqueues twice) and on the organisation's Redis channel; then
 * marks it published. Claims rows with FOR UPDATE SKIP LOCKED, so several workers share the work. While Redis
 * is down, events stay in PostgreSQL and are retried with back-off.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly redis: RedisConnections,
    private readonly moduleRef: ModuleRef,
    @Inject(OUTBOX_RELAY_OPTIONS) private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.relayOnce()
        .catch((err: Error) => this.logger.error({ err }, 'Outbox relay pass failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollIntervalMs);
        });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: publishes what is due; returns how many were published. */
  async relayOnce(): Promise<number> {
    return this.tenant.runPlatform('outbox-relay', async (m) => {
      const due = await m
        .createQueryBuilder(OutboxEvent, 'o')
        .where('o.published_at IS NULL AND o.next_attempt_at <= now()')
        .orderBy('o.created_at', 'ASC')
        .limit(this.options.batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let done = 0;
      for (const row of due) {
        try {
          await this.publish(row);
          await m.update(
            OutboxEvent,
            { id: row.id },
            { publishedAt: new Date(), attempts: row.attempts + 1, lastError: null },
          );
          published.inc({ type: row.type });
          done += 1;
        } catch (err) {
          failures.inc();
          const attempts = row.attempts + 1;
          const delay = Math.min(this.options.maxBackoffMs, 1000 * 2 ** Math.min(attempts - 1, 20));
          await m.update(
            OutboxEvent,
            { id: row.id },
            {
              attempts,
              nextAttemptAt: new Date(Date.now() + delay),
              lastError: (err as Error).message.slice(0, 1000),
            },
          );
        }
      }
      return done;
    });
  }

  private async publish(row: OutboxEvent): Promise<void> {
    const event: DomainEvent = {
      id: row.id,
      type: row.type as DomainEventType,
      organizationId: row.organizationId,
      aggregateId: row.aggregateId,
      aggregateVersion: row.aggregateVersion,
      payload: row.payload as never,
      occurredAt: row.createdAt.toISOString(),
    };
    for (const name of EVENT_QUEUES[event.type]) {
      await this.queue(name).add(event.type, event, { jobId: event.id });
    }
    await this.redis
      .get('events-publisher', { raw: true })
      .publish(organizationChannel(this.redis.keyPrefix, event.organizationId), JSON.stringify(event));
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
