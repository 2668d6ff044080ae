import { roomsOfDomainEvent } from './event-rooms';
import { parseClientFrame, parseRoom } from './protocol';
import { tokenOf } from './realtime-hub';
import type { IncomingMessage } from 'node:http';

const ORG = '11111111-1111-4111-8111-111111111111';
const BUILDING = '22222222-2222-4222-8222-222222222222';
const UNIT = '33333333-3333-4333-8333-333333333333';
const USER = '44444444-4444-4444-8444-444444444444';
const USER2 = '55555555-5555-4555-8555-555555555555';

describe('client frames', () => {
  it('accepts the four frame types', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'subscribe', rooms: [`unit:${UNIT}`] }), false)).toEqual({
      type: 'subscribe',
      rooms: [`unit:${UNIT}`],
    });
    expect(parseClientFrame('{"type":"resume","room":"x","lastSeq":3}', false)).toEqual({
      type: 'resume',
      room: 'x',
      lastSeq: 3,
    });
    expect(parseClientFrame('{"type":"ping"}', false)).toEqual({ type: 'ping' });
  });

  it.each([
    ['not json', '{nope', false],
    ['binary', '{"type":"ping"}', true],
    ['array', '[]', false],
    ['unknown type', '{"type":"dance"}', false],
    ['rooms not a list', '{"type":"subscribe","rooms":"all"}', false],
    ['empty rooms', '{"type":"subscribe","rooms":[]}', false],
    ['too many rooms', JSON.stringify({ type: 'subscribe', rooms: Array(51).fill(`unit:${UNIT}`) }), false],
    ['negative lastSeq', '{"type":"resume","room":"x","lastSeq":-1}', false],
    ['fractional lastSeq', '{"type":"resume","room":"x","lastSeq":1.5}', false],
  ])('refuses %s with a reason', (_label, data, binary) => {
    expect(typeof parseClientFrame(data, binary)).toBe('string');
  });

  it('knows four room kinds with uuid ids and nothing else', () => {
    expect(parseRoom(`Building:${BUILDING.toUpperCase()}`)).toEqual({
      kind: 'building',
      id: BUILDING,
      name: `building:${BUILDING}`,
    });
    for (const bad of ['lobby:x', `org:${ORG}:x`, 'user:1', 42, `org:${ORG} `]) expect(parseRoom(bad)).toBeNull();
  });
});

describe('rooms of a domain event', () => {
  const event = (type: string, payload: Record<string, unknown>) => ({
    id: 'e1',
    type,
    organizationId: ORG,
    payload,
    occurredAt: new Date().toISOString(),
  });

  it('goes to the org room and to the rooms its payload names', () => {
    expect(
      roomsOfDomainEvent(event('fault.created', { buildingId: BUILDING, unitId: UNIT, userId: USER })).sort(),
    ).toEqual([`building:${BUILDING}`, `org:${ORG}`, `unit:${UNIT}`, `user:${USER}`]);
    expect(roomsOfDomainEvent(event('vote.opened', { buildingIds: [BUILDING] })).sort()).toEqual([
      `building:${BUILDING}`,
      `org:${ORG}`,
    ]);
    expect(roomsOfDomainEvent(event('x', { recipientUserIds: [USER, USER2, 'nope'] })).sort()).toEqual([
      `org:${ORG}`,
      `user:${USER}`,
      `user:${USER2}`,
    ]);
  });

  it('sends notification.created to its user only, never to the org room', () => {
    expect(
      roomsOfDomainEvent(event('notification.created', { notificationId: 'n', userId: USER, unitId: UNIT })),
    ).toEqual([`user:${USER}`]);
  });
});

describe('token on connect', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('reads the Authorization header or the bearer subprotocol, never the URL', () => {
    expect(tokenOf(req({ authorization: 'Bearer abc.def' }))).toBe('abc.def');
    expect(tokenOf(req({ 'sec-websocket-protocol': 'bearer, abc.def' }))).toBe('abc.def');
    expect(tokenOf(req({ 'sec-websocket-protocol': 'chat, abc.def' }))).toBeUndefined();
    expect(tokenOf({ headers: {}, url: '/ws?access_token=abc' } as unknown as IncomingMessage)).toBeUndefined();
  });
});
