/**
 * The gateway's wire protocol: JSON text frames with a `type`. docs/realtime.md describes each frame;
 * this file is the one place that parses what a client sends.
 */

/** Close codes (RFC 6455 §7.4.1 for the 1xxx ones; 4000–4999 are for applications, §7.4.2). */
export const CloseCode = {
  /** The server is shutting down (RFC 6455 "going away"): reconnect, ideally elsewhere. */
  GoingAway: 1001,
  /** Too many malformed or over-rate frames (RFC 6455 "policy violation"). */
  PolicyViolation: 1008,
  /** A frame larger than the limit (sent by `ws` itself, RFC 6455 "message too big"). */
  MessageTooBig: 1009,
  /** The client reads too slowly: its queue passed the cap (RFC 6455 "try again later"). */
  TryAgainLater: 1013,
  /** No, invalid, expired or revoked token, or the session's role/organisation changed. */
  Unauthorized: 4401,
  /** The user already holds the maximum number of sockets on this instance. */
  TooManyConnections: 4429,
} as const;

export const ErrorCode = {
  MalformedFrame: 'WS_MALFORMED_FRAME',
  UnknownRoom: 'WS_UNKNOWN_ROOM',
  RoomForbidden: 'WS_ROOM_FORBIDDEN',
  RateLimited: 'WS_RATE_LIMITED',
  ResumeGap: 'WS_RESUME_GAP',
  Unavailable: 'WS_UNAVAILABLE',
  TooManyRooms: 'WS_TOO_MANY_ROOMS',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type RoomKind = 'org' | 'building' | 'unit' | 'user';
export interface Room {
  kind: RoomKind;
  id: string;
  name: string;
}

const ROOM = /^(org|building|unit|user):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `org:<uuid>`, `building:<uuid>`, `unit:<uuid>` or `user:<uuid>`; anything else is unknown. */
export function parseRoom(name: unknown): Room | null {
  if (typeof name !== 'string') return null;
  const match = ROOM.exec(name.toLowerCase());
  if (!match) return null;
  return { kind: match[1] as RoomKind, id: match[2] as string, name: `${match[1]}:${match[2]}` };
}

export const roomName = (kind: RoomKind, id: string): string => `${kind}:${id.toLowerCase()}`;

/** Rooms one subscribe frame may name (more is a malformed frame). */
export const MAX_ROOMS_PER_FRAME = 50;
/** Rooms one socket may be in. */
export const MAX_ROOMS_PER_CONNECTION = 200;

export type ClientFrame =
  | { type: 'subscribe'; rooms: string[] }
  | { type: 'unsubscribe'; rooms: string[] }
  | { type: 'resume'; room: string; lastSeq: number }
  | { type: 'ping' };

/** The frame, or the reason it is malformed (becomes the error frame's message). */
export function parseClientFrame(data: unknown, isBinary: boolean): ClientFrame | string {
  if (isBinary) return 'binary frames are not accepted; send JSON text';
  let frame: unknown;
  try {
    frame = JSON.parse(String(data));
  } catch {
    return 'not JSON';
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return 'not a JSON object';
  const f = frame as Record<string, unknown>;
  switch (f['type']) {
    case 'subscribe':
    case 'unsubscribe': {
      const rooms = f['rooms'];
      if (
        !Array.isArray(rooms) ||
        rooms.length === 0 ||
        rooms.length > MAX_ROOMS_PER_FRAME ||
        !rooms.every((r) => typeof r === 'string' && r.length <= 100)
      )
        return `rooms must be a list of 1-${MAX_ROOMS_PER_FRAME} room names`;
      return { type: f['type'], rooms: rooms as string[] };
    }
    case 'resume': {
      const { room, lastSeq } = f;
      if (typeof room !== 'string' || room.length > 100) return 'room must be a room name';
      if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0)
        return 'lastSeq must be a non-negative integer';
      return { type: 'resume', room, lastSeq };
    }
    case 'ping':
      return { type: 'ping' };
    default:
      return 'type must be subscribe, unsubscribe, resume or ping';
  }
}

/** What the gateway delivers: a domain event (or a portal event) as the client sees it. */
export interface RealtimeEvent {
  id: string;
  type: string;
  organizationId?: string;
  aggregateId?: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** An event frame, built once per room and sent as the same string to every socket in it. */
export function eventFrame(room: string, seq: number | null, event: RealtimeEvent, replay = false): string {
  return JSON.stringify({ type: 'event', room, seq, id: event.id, ...(replay ? { replay } : {}), event });
}

export function errorFrame(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'error', code, message, ...extra });
}
