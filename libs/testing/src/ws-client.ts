import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

export interface WsFrame {
  type: string;
  [key: string]: unknown;
}

/** A real `ws` client that keeps every frame it receives, for the realtime (WebSocket gateway) tests. */
export class TestSocket {
  readonly frames: WsFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as WsFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
    ws.on('error', () => undefined);
  }

  /** The first frame (from the start) matching `match`; waits for it up to `timeoutMs`. */
  async next(match: (f: WsFrame) => boolean, timeoutMs = 15_000): Promise<WsFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`no matching frame; got ${JSON.stringify(this.frames).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  events(type?: string): WsFrame[] {
    return this.frames.filter(
      (f) => f.type === 'event' && (!type || (f['event'] as { type: string }).type === type),
    );
  }

  close(): Promise<unknown> {
    this.ws.close(1000);
    return this.closed;
  }
}

export function wsUrlOf(http: Server): string {
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
}

/** Opens a socket with the token in the Authorization header (or as `bearer, <token>` subprotocols). */
export function connectWs(
  http: Server,
  token: string | undefined,
  via: 'header' | 'protocol' = 'header',
): Promise<TestSocket> {
  const ws =
    token === undefined
      ? new WebSocket(wsUrlOf(http))
      : via === 'header'
        ? new WebSocket(wsUrlOf(http), { headers: { Authorization: `Bearer ${token}` } })
        : new WebSocket(wsUrlOf(http), ['bearer', token]);
  const socket = new TestSocket(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
  });
}
