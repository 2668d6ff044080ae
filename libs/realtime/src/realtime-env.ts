import { IsIntInRange } from '@ppt/config';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/**
 * Adds the WebSocket gateway's limits to an env class (`class ApiServerEnv extends
 * withRealtimeEnv(...)`), so an app validates them with its own in one pass.
 */
export function withRealtimeEnv<TBase extends EnvBase>(Base: TBase) {
  class WithRealtimeEnv extends Base {
    /** How often each socket is pinged; a socket that did not answer the previous ping is closed. */
    @IsIntInRange(1000, 300_000)
    WS_HEARTBEAT_MS = 30_000;

    /** Open sockets one user may hold on one instance; the next is closed with 4429. */
    @IsIntInRange(1, 100_000)
    WS_MAX_CONNECTIONS_PER_USER = 10;

    /** Largest inbound frame; a larger one closes the socket with 1009 (ws `maxPayload`). */
    @IsIntInRange(128, 1_048_576)
    WS_MAX_MESSAGE_BYTES = 4096;

    /** Inbound frames per second per socket (token bucket, burst of the same size). */
    @IsIntInRange(1, 10_000)
    WS_MESSAGES_PER_SECOND = 20;

    /** Bytes queued for a socket beyond which it is dropped (1013) instead of buffered further. */
    @IsIntInRange(1024, 67_108_864)
    WS_MAX_BUFFERED_BYTES = 1_048_576;

    /** Approximate length of each room's resume stream (XADD MAXLEN ~). */
    @IsIntInRange(10, 1_000_000)
    WS_ROOM_STREAM_LENGTH = 1000;
  }
  return WithRealtimeEnv;
}

/** The gateway's limits (the env slice above, read by the app's module). */
export interface RealtimeSettings {
  heartbeatMs: number;
  maxConnectionsPerUser: number;
  maxMessageBytes: number;
  messagesPerSecond: number;
  maxBufferedBytes: number;
  roomStreamLength: number;
}

export interface RealtimeEnvSlice {
  WS_HEARTBEAT_MS: number;
  WS_MAX_CONNECTIONS_PER_USER: number;
  WS_MAX_MESSAGE_BYTES: number;
  WS_MESSAGES_PER_SECOND: number;
  WS_MAX_BUFFERED_BYTES: number;
  WS_ROOM_STREAM_LENGTH: number;
}

export function realtimeSettingsOf(env: RealtimeEnvSlice): RealtimeSettings {
  return {
    heartbeatMs: env.WS_HEARTBEAT_MS,
    maxConnectionsPerUser: env.WS_MAX_CONNECTIONS_PER_USER,
    maxMessageBytes: env.WS_MAX_MESSAGE_BYTES,
    messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
    maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
    roomStreamLength: env.WS_ROOM_STREAM_LENGTH,
  };
}
