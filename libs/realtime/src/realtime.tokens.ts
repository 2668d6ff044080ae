import type { RealtimeIdentity } from './connection';
import type { RealtimeEvent, Room } from './protocol';
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
  /**
   * Whether the identity's session is still active and of its generation: asked again right after a
   * socket is admitted (a revocation between the check and the admission) and for every held socket
   * when the revocation channels are (re)subscribed (revocations published meanwhile were missed).
   */
  stillActive?(identity: RealtimeIdentity): Promise<boolean>;
}

/** What one socket may join and receive (its identity does not change while it is open; its residence may). */
export interface RoomAccess {
  mayJoin(room: Room): Promise<boolean>;
  /**
   * Whether this socket, being in `room`, receives `event`: asked per socket at live delivery and for
   * each replayed event (`replay`), so a room's members see only what they may read. Absent: all.
   */
  mayReceive?(room: Room, event: RealtimeEvent, replay: boolean): boolean;
  /**
   * Forgets what was cached (residence): the next mayJoin / mayReceive read the current state. Present
   * only when the access can change under an open socket: the hub then rechecks its rooms periodically.
   */
  refresh?(): void;
}

export interface RoomPolicy {
  /** Rooms every socket of this identity is in from the start (its own user room). */
  defaultRooms(identity: RealtimeIdentity): string[];
  accessFor(identity: RealtimeIdentity): RoomAccess;
}
