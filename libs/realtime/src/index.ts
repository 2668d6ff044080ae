export { MAX_VIOLATIONS, RealtimeConnection, type RealtimeIdentity } from './connection';
export { roomsOfDomainEvent } from './event-rooms';
export {
  CloseCode,
  ErrorCode,
  parseClientFrame,
  parseRoom,
  roomName,
  type ClientFrame,
  type RealtimeEvent,
  type Room,
  type RoomKind,
} from './protocol';
export { realtimeSettingsOf, withRealtimeEnv, type RealtimeEnvSlice, type RealtimeSettings } from './realtime-env';
export { ACCESS_RECHECK_MS, directChannel, MAX_EARLY_FRAMES, RealtimeHub, tokenOf } from './realtime-hub';
export { RealtimeModule, type RealtimeModuleOptions } from './realtime.module';
export { RealtimePublisher } from './realtime-publisher';
export { MAX_REPLAY, RoomStreams, type Replay } from './room-streams';
export {
  REALTIME_AUTHENTICATOR,
  REALTIME_OPTIONS,
  ROOM_POLICY,
  type RealtimeAuthenticator,
  type RealtimeOptions,
  type RoomAccess,
  type RoomPolicy,
} from './realtime.tokens';
