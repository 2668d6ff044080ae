import { Module, type DynamicModule } from '@nestjs/common';
import { OUTBOX_RELAY_OPTIONS, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { CommittedEventCounters } from './committed-event-counters';
import { OutboxWriter } from './outbox-writer';

/** Producers (HTTP apps and workers) get the OutboxWriter; committed business events are counted. */
@Module({ providers: [OutboxWriter, CommittedEventCounters], exports: [OutboxWriter] })
export class EventsModule {}

/** Workers only: publishes the outbox (one relay per worker process; they share rows safely). */
@Module({})
export class OutboxRelayModule {
  static register(options: Partial<OutboxRelayOptions> = {}): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [
        {
          provide: OUTBOX_RELAY_OPTIONS,
          useValue: {
            pollIntervalMs: 500,
            batchSize: 100,
            maxBackoffMs: 60_000,
            claimMs: 60_000,
            retentionMs: 7 * 24 * 3600_000,
            pruneIntervalMs: 3600_000,
            ...options,
          },
        },
        OutboxRelay,
      ],
      exports: [OutboxRelay],
    };
  }
}
