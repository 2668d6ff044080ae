import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { RealtimeConnection } from './connection';
import { CloseCode } from './protocol';
import type { RealtimeSettings } from './realtime-env';

const settings: RealtimeSettings = {
  heartbeatMs: 30_000,
  maxConnectionsPerUser: 10,
  maxMessageBytes: 4096,
  messagesPerSecond: 5,
  maxBufferedBytes: 64 * 1024,
  roomStreamLength: 100,
};
const identity = {
  userId: 'u',
  sessionId: 's',
  generation: 0,
  organizationId: null,
  role: null,
  expiresAt: Date.now() + 60_000,
};

/** A real ws server and client on loopback: the server side of each accepted socket is handed out. */
async function pair(): Promise<{ server: WebSocket; client: WebSocket; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('error', () => undefined);
  const server = await accepted;
  await new Promise((resolve) => (client.readyState === client.OPEN ? resolve(null) : client.once('open', resolve)));
  return {
    server,
    client,
    close: async () => {
      client.terminate();
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

describe('RealtimeConnection', () => {
  it('drops a client that does not read (1013) instead of buffering without bound', async () => {
    const { server, client, close } = await pair();
    try {
      // The client stops reading: the kernel buffers fill, then ws' own queue grows.
      (client as unknown as { _socket: { pause(): void } })._socket.pause();
      const closedWith: number[] = [];
      const connection = new RealtimeConnection(server, identity, settings, (code) => closedWith.push(code));
      const frame = Buffer.alloc(16 * 1024, 'x');
      let sent = 0;
      while (connection.send(frame)) {
        sent += 1;
        if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let the socket flush
        if (sent > 100_000) throw new Error('never dropped');
      }
      expect(closedWith).toEqual([CloseCode.TryAgainLater]);
      expect(server.bufferedAmount).toBeLessThanOrEqual(settings.maxBufferedBytes + frame.length);
      expect(connection.send(frame)).toBe(false);
    } finally {
      await close();
    }
  });

  it('allows messagesPerSecond frames in a burst, then refuses until the bucket refills', async () => {
    const { server, close } = await pair();
    try {
      const connection = new RealtimeConnection(server, identity, settings, () => undefined);
      const taken = Array.from({ length: settings.messagesPerSecond + 3 }, () => connection.takeToken());
      expect(taken.filter(Boolean)).toHaveLength(settings.messagesPerSecond);
      expect(taken.at(-1)).toBe(false);
    } finally {
      await close();
    }
  });

  it('closes with 4401 when the token expires', async () => {
    const { server, client, close } = await pair();
    try {
      const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
      new RealtimeConnection(server, { ...identity, expiresAt: Date.now() + 50 }, settings, () => undefined);
      expect(await closed).toBe(CloseCode.Unauthorized);
    } finally {
      await close();
    }
  });
});
