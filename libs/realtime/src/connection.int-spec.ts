import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';
import { BroadcastFrame } from './broadcast-frame';
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
async function pair(
  options: ServerOptions = {},
): Promise<{ server: WebSocket; client: WebSocket; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
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

/** The next `count` messages the client receives, as text (binary ones marked). */
function nextMessages(client: WebSocket, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    const got: string[] = [];
    const onMessage = (data: Buffer, isBinary: boolean) => {
      got.push(isBinary ? `binary:${data.length}` : data.toString('utf8'));
      if (got.length < count) return;
      client.off('message', onMessage);
      resolve(got);
    };
    client.on('message', onMessage);
  });
}

describe('RealtimeConnection', () => {
  it.each([
    ['ws-framed text', (text: string) => text],
    ['broadcast frames written to the transport', (text: string) => new BroadcastFrame(text)],
  ])('drops a client that does not read (1013) instead of buffering without bound: %s', async (_kind, frameOf) => {
    const { server, client, close } = await pair();
    try {
      // The client stops reading: the kernel buffers fill, then ws' own queue grows.
      (client as unknown as { _socket: { pause(): void } })._socket.pause();
      const closedWith: number[] = [];
      const connection = new RealtimeConnection(server, identity, settings, (code) => closedWith.push(code));
      const frame = frameOf('x'.repeat(16 * 1024));
      let sent = 0;
      while (connection.send(frame)) {
        sent += 1;
        if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let the socket flush
        if (sent > 100_000) throw new Error('never dropped');
      }
      expect(closedWith).toEqual([CloseCode.TryAgainLater]);
      expect(server.bufferedAmount).toBeLessThanOrEqual(settings.maxBufferedBytes + 16 * 1024 + 4);
      expect(connection.send(frame)).toBe(false);
    } finally {
      await close();
    }
  });

  it('sends a BroadcastFrame as one text message in each payload length form (7, 16 and 64 bit)', async () => {
    const { server, client, close } = await pair();
    try {
      expect(server.extensions).toBe(''); // no extension: the frame goes to the transport as built
      const connection = new RealtimeConnection(server, identity, settings, () => undefined);
      // Multi-byte characters: the length in the header is in bytes, not characters.
      const texts = [0, 125, 126, 65_535, 65_536, 70_000].map((bytes) => 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2));
      const received = nextMessages(client, texts.length);
      for (const text of texts) expect(connection.send(new BroadcastFrame(text))).toBe(true);
      expect(await received).toEqual(texts);
    } finally {
      await close();
    }
  });

  it('keeps a BroadcastFrame behind the frames ws is still compressing (permessage-deflate negotiated)', async () => {
    const { server, client, close } = await pair({ perMessageDeflate: { threshold: 0 } });
    try {
      expect(server.extensions).toContain('permessage-deflate');
      // A queue cap above the first frame: ws counts it as buffered while it compresses.
      const connection = new RealtimeConnection(server, identity, { ...settings, maxBufferedBytes: 1 << 20 }, () => undefined);
      const first = JSON.stringify({ type: 'welcome', filler: 'y'.repeat(200_000) });
      const received = nextMessages(client, 2);
      connection.send(first); // compressed asynchronously: ws holds later frames until it is out
      connection.send(new BroadcastFrame('{"type":"event"}'));
      expect(await received).toEqual([first, '{"type":"event"}']);
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
