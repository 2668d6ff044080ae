import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { BroadcastFrame } from './broadcast-frame';
import { CloseCode, errorFrame, type ErrorCode } from './protocol';
import type { RealtimeSettings } from './realtime-env';

/** Who holds a socket: what the token said when it connected. */
export interface RealtimeIdentity {
  userId: string;
  sessionId: string;
  /** The session generation the token was issued in (0 when absent). */
  generation: number;
  organizationId: string | null;
  role: string | null;
  /** When the token expires (ms since the epoch); the socket is closed with 4401 then. */
  expiresAt: number;
}

/** Error frames (malformed, over rate) a socket may cause before it is closed with 1008. */
export const MAX_VIOLATIONS = 5;

/** One authenticated socket: its rooms, its inbound budget and its outbound queue cap. */
export class RealtimeConnection {
  readonly id = randomUUID();
  readonly rooms = new Set<string>();
  /** Rooms being resumed: live events wait here until the replay has been sent. */
  readonly resuming = new Map<string, { seq: number | null; frame: BroadcastFrame }[]>();
  alive = true;
  /**
   * Where a BroadcastFrame is written as it is: the socket's TCP stream, when no extension was
   * negotiated. With one (permessage-deflate), ws may hold frames back while it compresses, and a
   * frame written past it would overtake them: those sockets get ws' own `send`.
   */
  private readonly transport: Duplex | undefined;
  private violations = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private closed = false;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly identity: RealtimeIdentity,
    private readonly settings: RealtimeSettings,
    private readonly onClosedByServer: (code: number) => void,
  ) {
    this.tokens = settings.messagesPerSecond;
    this.transport = socket.extensions === '' ? (socket as unknown as { _socket?: Duplex })._socket : undefined;
    const untilExpiry = identity.expiresAt - Date.now();
    // setTimeout overflows past ~24.8 days; tokens live minutes.
    if (untilExpiry < 2 ** 31 - 1) {
      this.expiryTimer = setTimeout(() => this.close(CloseCode.Unauthorized, 'token expired'), untilExpiry);
      this.expiryTimer.unref();
    }
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /**
   * Sends a frame unless the client has fallen too far behind: a socket whose queue is over the cap
   * is dropped (1013), so a slow reader costs at most the cap in memory.
   */
  send(frame: string | BroadcastFrame): boolean {
    if (!this.isOpen) return false;
    // ws counts what waits in the transport too, so frames written there are capped like its own.
    if (this.socket.bufferedAmount > this.settings.maxBufferedBytes) {
      this.drop(CloseCode.TryAgainLater, 'too slow: outbound queue over the limit');
      return false;
    }
    if (typeof frame === 'string') this.socket.send(frame);
    else if (this.transport) this.transport.write(frame.wire);
    else this.socket.send(frame.payload, { binary: false });
    return true;
  }

  /** Takes one frame from the inbound budget (token bucket); false when over the rate. */
  takeToken(): boolean {
    const now = Date.now();
    const rate = this.settings.messagesPerSecond;
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** An error frame for a client mistake; after MAX_VIOLATIONS of them the socket is closed with 1008. */
  violation(code: ErrorCode, message: string): void {
    this.violations += 1;
    this.send(errorFrame(code, message));
    if (this.violations >= MAX_VIOLATIONS)
      this.close(CloseCode.PolicyViolation, 'too many malformed or over-rate frames');
  }

  /** A close handshake (code and reason sent to the client). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.onClosedByServer(code);
    this.socket.close(code, reason);
  }

  /**
   * A close frame if it can still get out, and the TCP connection cut soon after either way: a client
   * that does not read would otherwise hold the queue until ws' own 30 s close timeout.
   */
  drop(code: number, reason: string): void {
    if (this.closed) return;
    this.close(code, reason);
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  /** The socket closed (either side): nothing more to do for it. */
  ended(): void {
    this.closed = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    clearTimeout(this.expiryTimer);
  }
}
