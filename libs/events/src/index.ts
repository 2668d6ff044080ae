export { consumeOnce } from './consume-once';
export {
  AGGREGATE_OF,
  EVENT_QUEUES,
  EVENT_STREAM_LENGTH,
  eventStreamKey,
  organizationChannel,
  type DomainEvent,
  type DomainEventPayloads,
  type DomainEventType,
  type ListingSnapshot,
} from './domain-events';
export { EventsModule, OutboxRelayModule } from './events.module';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { OutboxWriter } from './outbox-writer';
