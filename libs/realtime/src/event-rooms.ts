import { roomName } from './protocol';
import type { RealtimeEvent } from './protocol';

/** Events addressed to people only: never announced to the organisation's staff room. */
const PERSONAL_EVENT_TYPES = new Set(['notification.created']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ids = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && UUID.test(v));

/**
 * The rooms a domain event from the outbox goes to: the organisation's staff room (except personal
 * events such as `notification.created`), and the building, unit and user rooms its payload names
 * (`buildingId`/`buildingIds`, `unitId`, `userId`/`recipientUserIds`). The payload decides; nothing is
 * looked up per delivery.
 */
export function roomsOfDomainEvent(event: RealtimeEvent): string[] {
  const p = event.payload ?? {};
  const rooms = new Set<string>();
  const personal = PERSONAL_EVENT_TYPES.has(event.type);
  if (!personal && event.organizationId && UUID.test(event.organizationId))
    rooms.add(roomName('org', event.organizationId));
  if (!personal) {
    for (const id of [...ids(p['buildingId']), ...ids(p['buildingIds'])]) rooms.add(roomName('building', id));
    for (const id of ids(p['unitId'])) rooms.add(roomName('unit', id));
  }
  for (const id of [...ids(p['userId']), ...ids(p['recipientUserIds'])]) rooms.add(roomName('user', id));
  return [...rooms];
}
