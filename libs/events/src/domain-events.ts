/**
 * Every domain event type with its payload, in one place. Producers write them to the outbox in the
 * transaction of the change; consumers receive `DomainEvent<T>` at least once and apply it once.
 */
export interface DomainEventPayloads {
  'fault.created': {
    faultId: string;
    buildingId: string;
    unitId: string | null;
    priority: string;
    title: string;
  };
  'fault.status_changed': { faultId: string; from: string; to: string; changedBy: string };
  'lease.activated': { leaseId: string; unitId: string; startDate: string; endDate: string | null };
  'lease.ending_soon': { leaseId: string; unitId: string; endDate: string; daysLeft: 90 | 60 | 30 };
  'meter_reading.submitted': {
    readingId: string;
    meterId: string;
    unitId: string;
    value: string;
    readAt: string;
  };
}

export type DomainEventType = keyof DomainEventPayloads;

export const AGGREGATE_OF: Record<DomainEventType, string> = {
  'fault.created': 'fault',
  'fault.status_changed': 'fault',
  'lease.activated': 'lease',
  'lease.ending_soon': 'lease',
  'meter_reading.submitted': 'meter_reading',
};

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  organizationId: string;
  aggregateId: string;
  aggregateVersion: number;
  payload: DomainEventPayloads[T];
  occurredAt: string;
}

/** The Redis channel on which an organisation's events are announced. */
export function organizationChannel(keyPrefix: string, organizationId: string): string {
  return `${keyPrefix}events:org:${organizationId}`;
}
