import type { RealtimeIdentity } from './connection';
import type { Room } from './protocol';
import type { RealtimeSettings } from './realtime-env';

export const REALTIME_OPTIONS = Symbol('REALTIME_OPTIONS');
export const REALTIME_AUTHENTICATOR = Symbol('REALTIME_AUTHENTICATOR');
export const ROOM_POLICY = Symbol('ROOM_POLICY');

export interface RealtimeOptions {
  /** `api-server` or `reality-server`: names the metrics label and the Redis keys (`rt:<app>:`). */
  app: string;
  settings: RealtimeSettings;
  /** api-server: the outbox relay's organisation channels are the source of events. */
  organizationEvents: boolean;
}

/** Turns the token a client connected with into who it is; throws when the token is not accepted. */
export interface RealtimeAuthenticator {
  authenticate(token: string): Promise<RealtimeIdentity>;
}

/** What one socket may join, decided once per socket (its identity does not change while it is open). */
export interface RoomAccess {
  mayJoin(room: Room): Promise<boolean>;
}

export interface RoomPolicy {
  /** Rooms every socket of this identity is in from the start (its own user room). */
  defaultRooms(identity: RealtimeIdentity): string[];
  accessFor(identity: RealtimeIdentity): RoomAccess;
}
