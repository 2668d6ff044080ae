import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { listenForSessionRevocations, sessionChangedChannel } from '@ppt/auth';
import { eventStreamKey } from '@ppt/events';
import { RedisConnections } from '@ppt/redis';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { BroadcastFrame } from './broadcast-frame';
import { RealtimeConnection, type RealtimeIdentity } from './connection';
import { roomsOfDomainEvent } from './event-rooms';
import { wsClosed, wsConnections, wsDeliverySeconds, wsMessagesSent } from './metrics';
import {
  CloseCode,
  ErrorCode,
  errorFrame,
  eventFrame,
  MAX_ROOMS_PER_CONNECTION,
  parseClientFrame,
  parseRoom,
  type ClientFrame,
  type RealtimeEvent,
} from './protocol';
import { RoomStreams } from './room-streams';
import {
  REALTIME_AUTHENTICATOR,
  REALTIME_OPTIONS,
  ROOM_POLICY,
  type RealtimeAuthenticator,
  type RealtimeOptions,
  type RoomAccess,
  type RoomPolicy,
} from './realtime.tokens';

/** Event ids remembered per instance, so a relay redelivery is not sent to the sockets twice. */
const RECENT_EVENTS = 10_000;
/** How long one blocking read of the event stream waits (the loop notices shutdown after it). */
const STREAM_BLOCK_MS = 2000;
/** How long shutdown waits for clients to answer the 1001 close before the adapter cuts them. */
const SHUTDOWN_CLOSE_WAIT_MS = 1000;
/** Frames a client may send before it is authenticated (they wait); one more closes the socket with 1008. */
export const MAX_EARLY_FRAMES = 10;
/** How often each socket's rooms are checked again (a tenant who moved out leaves their unit's rooms). */
export const ACCESS_RECHECK_MS = 60_000;

/** The access token from `Authorization: Bearer …` or `Sec-WebSocket-Protocol: bearer, <token>`; never the URL. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = /^Bearer +([^\s]+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  if (header) return header;
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  return offered[0]?.toLowerCase() === 'bearer' && offered[1] ? offered[1] : undefined;
}

/** The direct channel: events published by the app's own services (the portal's), not by the outbox. */
export function directChannel(keyPrefix: string, app: string): string {
  return `${keyPrefix}rt:${app}:direct`;
}

interface Held {
  connection: RealtimeConnection;
  access: RoomAccess;
  /** When the socket's rooms were last checked again (ms). */
  checkedAt: number;
}

/**
 * The gateway's engine, shared by both apps: authenticates sockets, keeps the room registry, receives
 * events from Redis (the outbox relay's organisation channels and the app's direct channel), numbers
 * them per room through RoomStreams, delivers them to the local sockets in each room, serves resume,
 * and closes sockets on revocation (4401), abuse (1008), slowness (1013) and shutdown (1001).
 */
@Injectable()
export class RealtimeHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly held = new Map<WebSocket, Held>();
  private readonly byRoom = new Map<string, Set<RealtimeConnection>>();
  private readonly byUser = new Map<string, Set<RealtimeConnection>>();
  private readonly bySession = new Map<string, Set<RealtimeConnection>>();
  private readonly recent = new Set<string>();
  private readonly streams: RoomStreams;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
    @Inject(REALTIME_AUTHENTICATOR) private readonly authenticator: RealtimeAuthenticator,
    @Inject(ROOM_POLICY) private readonly policy: RoomPolicy,
    private readonly redis: RedisConnections,
  ) {
    const client = redis.get('realtime', { raw: true, commandTimeout: 2000, maxRetriesPerRequest: 1 });
    this.streams = new RoomStreams(
      client,
      `${redis.keyPrefix}rt:${options.app}:`,
      options.settings.roomStreamLength,
    );
  }

  /** ws' server settings that come from the environment (the gateway decorator's are fixed at import). */
  configure(server: WebSocketServer): void {
    server.options.maxPayload = this.options.settings.maxMessageBytes;
    // A browser sending `bearer, <token>` as subprotocols needs one of them echoed, never the token.
    server.options.handleProtocols = (protocols: Set<string>) => (protocols.has('bearer') ? 'bearer' : false);
  }

  onApplicationBootstrap(): void {
    this.heartbeat = setInterval(() => this.beat(), this.options.settings.heartbeatMs);
    this.heartbeat.unref();
    this.subscribe();
    listenForSessionRevocations(this.redis, 'RealtimeRevocations', {
      revoked: (sessionId) => this.closeSession(sessionId, Infinity),
      // (Re)subscribed: revocations published while the subscription was down were missed.
      subscribed: () => void this.recheckSessions(),
      alsoListen: {
        // `<session id> <generation> <ms>`: tokens of earlier generations stopped working (role change, switch).
        [sessionChangedChannel(this.redis)]: (message) => {
          const [sessionId, generation] = message.split(' ');
          if (sessionId && Number.isInteger(Number(generation))) this.closeSession(sessionId, Number(generation));
        },
      },
    });
  }

  /** Every socket gets a 1001 close before the server stops (Nest then closes the ws server). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    const closing = [...this.held.values()].map(
      ({ connection }) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.close(CloseCode.GoingAway, 'server shutting down');
        }),
    );
    await Promise.race([
      Promise.all(closing),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_CLOSE_WAIT_MS).unref()),
    ]);
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
  }

  /** A new socket (the gateway's handleConnection). */
  accept(socket: WebSocket, req: IncomingMessage): void {
    if (this.stopping) {
      socket.close(CloseCode.GoingAway, 'server shutting down');
      return;
    }
    // Frames sent before the welcome wait until the socket is authenticated.
    const early: { data: unknown; isBinary: boolean }[] = [];
    const queueEarly = (data: unknown, isBinary: boolean) => {
      if (early.length >= MAX_EARLY_FRAMES) {
        socket.off('message', queueEarly);
        wsClosed.inc({ app: this.options.app, code: String(CloseCode.PolicyViolation) });
        socket.close(CloseCode.PolicyViolation, 'too many frames before authentication');
        return;
      }
      early.push({ data, isBinary });
    };
    socket.on('message', queueEarly);
    socket.on('error', (err) => this.logger.debug(`socket error: ${err.message}`));
    const token = tokenOf(req);
    const refuse = (reason: string) => {
      wsClosed.inc({ app: this.options.app, code: String(CloseCode.Unauthorized) });
      socket.close(CloseCode.Unauthorized, reason);
    };
    if (!token) return refuse('missing token');
    this.authenticator.authenticate(token).then(
      (identity) => {
        socket.off('message', queueEarly);
        if (socket.readyState !== socket.OPEN) return;
        const connection = this.admit(socket, identity);
        if (!connection) return;
        for (const { data, isBinary } of early) this.onMessage(socket, data, isBinary);
        // The session may have been revoked between the authenticator's check and the admission.
        void this.recheck(connection);
      },
      (err: Error) => refuse(`unauthorized: ${err.message}`.slice(0, 120)),
    );
  }

  private admit(socket: WebSocket, identity: RealtimeIdentity): RealtimeConnection | null {
    if (this.stopping) {
      socket.close(CloseCode.GoingAway, 'server shutting down');
      return null;
    }
    const mine = this.byUser.get(identity.userId);
    if (mine && mine.size >= this.options.settings.maxConnectionsPerUser) {
      wsClosed.inc({ app: this.options.app, code: String(CloseCode.TooManyConnections) });
      socket.close(CloseCode.TooManyConnections, 'too many connections for this user');
      return null;
    }
    const connection = new RealtimeConnection(socket, identity, this.options.settings, (code) =>
      wsClosed.inc({ app: this.options.app, code: String(code) }),
    );
    this.held.set(socket, { connection, access: this.policy.accessFor(identity), checkedAt: Date.now() });
    addTo(this.byUser, identity.userId, connection);
    addTo(this.bySession, identity.sessionId, connection);
    wsConnections.inc({ app: this.options.app });
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => this.onMessage(socket, data, isBinary));
    socket.on('close', () => this.forget(socket));
    const rooms = this.policy.defaultRooms(identity);
    for (const room of rooms) this.join(connection, room);
    connection.send(
      JSON.stringify({
        type: 'welcome',
        connectionId: connection.id,
        userId: identity.userId,
        rooms,
        heartbeatMs: this.options.settings.heartbeatMs,
        maxMessageBytes: this.options.settings.maxMessageBytes,
      }),
    );
    return connection;
  }

  /** Closes the socket (4401) when its session is no longer active; a failed check leaves it open. */
  private async recheck(connection: RealtimeConnection): Promise<void> {
    if (!this.authenticator.stillActive || !connection.isOpen) return;
    try {
      if (!(await this.authenticator.stillActive(connection.identity)))
        connection.close(CloseCode.Unauthorized, 'session ended or changed');
    } catch (err) {
      this.logger.warn(`Could not check a session again: ${(err as Error).message}`);
    }
  }

  /** Checks every held session again (after the revocation channels were (re)subscribed). */
  async recheckSessions(): Promise<void> {
    await Promise.all([...this.held.values()].map(({ connection }) => this.recheck(connection)));
  }

  /**
   * Checks every socket's rooms again (cached residence forgotten first): a socket that may no longer
   * join a room leaves it with a WS_ROOM_FORBIDDEN error frame. Runs every ACCESS_RECHECK_MS per socket
   * whose access can change (RoomAccess.refresh).
   */
  revalidate(): Promise<void> {
    return this.recheckRooms([...this.held.values()]);
  }

  private async recheckRooms(list: Held[]): Promise<void> {
    const now = Date.now();
    for (const held of list) {
      const { connection, access } = held;
      held.checkedAt = now;
      // Without a refresh the access has nothing that changes under an open socket.
      if (!access.refresh) continue;
      access.refresh();
      for (const name of [...connection.rooms]) {
        const room = parseRoom(name);
        if (!room || room.kind === 'user') continue;
        let allowed: boolean;
        try {
          allowed = await access.mayJoin(room);
        } catch (err) {
          this.logger.warn(`Could not check room ${name} again: ${(err as Error).message}`);
          continue;
        }
        if (allowed || !connection.rooms.has(name)) continue;
        this.leave(connection, name);
        connection.send(errorFrame(ErrorCode.RoomForbidden, 'you may no longer be in this room', { room: name }));
      }
    }
  }

  private forget(socket: WebSocket): void {
    const held = this.held.get(socket);
    if (!held) return;
    const { connection } = held;
    connection.ended();
    this.held.delete(socket);
    for (const room of connection.rooms) removeFrom(this.byRoom, room, connection);
    removeFrom(this.byUser, connection.identity.userId, connection);
    removeFrom(this.bySession, connection.identity.sessionId, connection);
    wsConnections.dec({ app: this.options.app });
  }

  private onMessage(socket: WebSocket, data: unknown, isBinary: boolean): void {
    const held = this.held.get(socket);
    if (!held) return;
    const { connection } = held;
    connection.alive = true;
    if (!connection.takeToken()) return connection.violation(ErrorCode.RateLimited, 'too many frames; slow down');
    const frame = parseClientFrame(data, isBinary);
    if (typeof frame === 'string') return connection.violation(ErrorCode.MalformedFrame, frame);
    this.handle(held, frame).catch((err: Error) => {
      this.logger.warn(`Could not handle a ${frame.type} frame: ${err.message}`);
      connection.send(errorFrame(ErrorCode.Unavailable, 'try again shortly'));
    });
  }

  private async handle({ connection, access }: Held, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        connection.send('{"type":"pong"}');
        return;
      case 'unsubscribe': {
        const left = frame.rooms.filter((name) => connection.rooms.has(name));
        for (const name of left) this.leave(connection, name);
        connection.send(JSON.stringify({ type: 'unsubscribed', rooms: left }));
        return;
      }
      case 'subscribe': {
        const joined: string[] = [];
        for (const name of frame.rooms) {
          const room = await this.mayJoin(connection, access, name);
          if (!room) continue;
          this.join(connection, room);
          joined.push(room);
        }
        if (joined.length > 0) connection.send(JSON.stringify({ type: 'subscribed', rooms: joined }));
        return;
      }
      case 'resume': {
        const room = await this.mayJoin(connection, access, frame.room);
        if (!room) return;
        await this.resume(connection, room, frame.lastSeq);
        return;
      }
    }
  }

  /** The room's canonical name when the socket may join it; otherwise an error frame and null. */
  private async mayJoin(connection: RealtimeConnection, access: RoomAccess, name: string): Promise<string | null> {
    const room = parseRoom(name);
    if (!room) {
      connection.violation(ErrorCode.UnknownRoom, 'unknown room');
      return null;
    }
    if (connection.rooms.has(room.name)) return room.name;
    if (connection.rooms.size >= MAX_ROOMS_PER_CONNECTION) {
      connection.send(errorFrame(ErrorCode.TooManyRooms, 'too many rooms on one socket', { room: room.name }));
      return null;
    }
    if (!(await access.mayJoin(room))) {
      connection.send(errorFrame(ErrorCode.RoomForbidden, 'you may not join this room', { room: room.name }));
      return null;
    }
    return connection.isOpen ? room.name : null;
  }

  private join(connection: RealtimeConnection, room: string): void {
    connection.rooms.add(room);
    addTo(this.byRoom, room, connection);
  }

  private leave(connection: RealtimeConnection, room: string): void {
    connection.rooms.delete(room);
    connection.resuming.delete(room);
    removeFrom(this.byRoom, room, connection);
  }

  /**
   * Replays what the room's stream holds after `lastSeq`, then what arrived live meanwhile (held back
   * so the client sees the room in order), then `resumed`.
   */
  private async resume(connection: RealtimeConnection, room: string, lastSeq: number): Promise<void> {
    connection.resuming.set(room, []);
    this.join(connection, room);
    let sent = lastSeq;
    try {
      const replay = await this.streams.replay(room, lastSeq);
      const access = this.held.get(connection.socket)?.access;
      const parsed = parseRoom(room);
      for (const { seq, event } of replay.events) {
        // The same filter as live delivery, asked as a replay (events from before the access are not theirs).
        if (!access?.mayReceive || (parsed && access.mayReceive(parsed, event, true)))
          connection.send(eventFrame(room, seq, event, true));
        sent = seq;
      }
      for (const live of connection.resuming.get(room) ?? []) {
        if (live.seq === null || live.seq > sent) connection.send(live.frame);
      }
      connection.send(
        JSON.stringify({ type: 'resumed', room, lastSeq: Math.max(sent, replay.latestSeq), gap: replay.gap }),
      );
      if (replay.gap)
        connection.send(
          errorFrame(ErrorCode.ResumeGap, 'some events are no longer available; reload this room', { room }),
        );
    } finally {
      connection.resuming.delete(room);
    }
  }

  /** Ends the sockets of a session (revoked: any generation; changed: generations before `generation`). */
  private closeSession(sessionId: string, generation: number): void {
    for (const connection of [...(this.bySession.get(sessionId) ?? [])]) {
      if (connection.identity.generation < generation)
        connection.close(CloseCode.Unauthorized, 'session ended or changed');
    }
  }

  private beat(): void {
    const due = [...this.held.values()].filter((h) => Date.now() - h.checkedAt >= ACCESS_RECHECK_MS);
    if (due.length > 0) void this.recheckRooms(due);
    for (const { connection } of this.held.values()) {
      if (!connection.alive) {
        // No pong (nor any frame) since the last ping: the peer is gone; no close handshake to wait for.
        wsClosed.inc({ app: this.options.app, code: 'stale' });
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  private subscribe(): void {
    const subscriber = this.redis.create('realtime-events');
    const direct = directChannel(this.redis.keyPrefix, this.options.app);
    subscriber.subscribe(direct).catch((err: Error) => this.logger.warn(`subscribe: ${err.message}`));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === direct) this.onDirect(message);
    });
    if (this.options.organizationEvents) void this.readEventStream();
  }

  /**
   * Reads the outbox relay's event stream (libs/events eventStreamKey) from where this instance last
   * was: unlike the organisation channels (pub/sub), nothing published while this connection was
   * down or reconnecting is missed. Starts at the stream's current end.
   */
  private async readEventStream(): Promise<void> {
    const reader = this.redis.create('realtime-event-stream', { maxRetriesPerRequest: null });
    const key = eventStreamKey(this.redis.keyPrefix);
    let lastId: string | undefined;
    while (!this.stopping) {
      try {
        lastId ??= (await reader.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
        const answer = (await reader.xread('COUNT', 1000, 'BLOCK', STREAM_BLOCK_MS, 'STREAMS', key, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            if (fields[1]) this.onDomainEvent(fields[1]);
          }
        }
      } catch (err) {
        if (this.stopping) return;
        this.logger.debug(`Event stream read failed (retrying): ${(err as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
      }
    }
  }

  private onDomainEvent(message: string): void {
    const event = parseEvent(message);
    if (!event) return this.logger.warn('Ignored an unreadable domain event');
    void this.deliver(event, roomsOfDomainEvent(event));
  }

  private onDirect(message: string): void {
    let parsed: { rooms?: unknown; event?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return this.logger.warn('Ignored an unreadable direct event');
    }
    const event = parseEvent(JSON.stringify(parsed.event ?? null));
    const rooms = Array.isArray(parsed.rooms)
      ? parsed.rooms.map((r) => parseRoom(r)?.name).filter((r): r is string => !!r)
      : [];
    if (event && rooms.length > 0) void this.deliver(event, rooms);
  }

  /** Numbers the event in each room (once across instances), then sends it to this instance's sockets. */
  async deliver(event: RealtimeEvent, rooms: string[]): Promise<void> {
    if (rooms.length === 0 || this.recent.has(event.id)) return;
    this.remember(event.id);
    let seqs: (number | null)[];
    try {
      seqs = await this.streams.assign(event, rooms);
    } catch (err) {
      // Numbers and resume need Redis; live delivery does not (this event came through it a moment ago).
      this.logger.warn(`Could not number event ${event.id}: ${(err as Error).message}`);
      seqs = rooms.map(() => null);
    }
    let sent = 0;
    rooms.forEach((room, i) => {
      const members = this.byRoom.get(room);
      if (!members || members.size === 0) return;
      const seq = seqs[i] ?? null;
      const frame = new BroadcastFrame(eventFrame(room, seq, event));
      const parsed = parseRoom(room);
      for (const connection of members) {
        const access = this.held.get(connection.socket)?.access;
        if (access?.mayReceive && !(parsed && access.mayReceive(parsed, event, false))) continue;
        const waiting = connection.resuming.get(room);
        if (waiting) waiting.push({ seq, frame });
        else if (connection.send(frame)) sent += 1;
      }
    });
    if (sent > 0) {
      wsMessagesSent.inc({ app: this.options.app }, sent);
      const occurred = Date.parse(event.occurredAt);
      if (Number.isFinite(occurred))
        wsDeliverySeconds.observe({ app: this.options.app }, Math.max(0, (Date.now() - occurred) / 1000));
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_EVENTS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

function parseEvent(message: string): RealtimeEvent | null {
  try {
    const e = JSON.parse(message) as Partial<RealtimeEvent>;
    if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.occurredAt !== 'string') return null;
    if (typeof e.payload !== 'object' || e.payload === null) return null;
    return {
      id: e.id,
      type: e.type,
      ...(e.organizationId ? { organizationId: e.organizationId } : {}),
      ...(e.aggregateId ? { aggregateId: e.aggregateId } : {}),
      payload: e.payload,
      occurredAt: e.occurredAt,
    };
  } catch {
    return null;
  }
}

function addTo<K>(map: Map<K, Set<RealtimeConnection>>, key: K, c: RealtimeConnection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(c);
}

function removeFrom<K>(map: Map<K, Set<RealtimeConnection>>, key: K, c: RealtimeConnection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(c);
  if (set.size === 0) map.delete(key);
}
