import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';
import { connectWs as connect, type WsFrame as Frame, type TestSocket } from '@ppt/testing';

/**
 * The WebSocket gateway with two api-server instances on one database and Redis prefix, a worker
 * running the outbox relay, and real `ws` clients.
 */
describe('realtime gateway (two instances)', () => {
  let a: BootedApiServer;
  let b: BootedApiServer;
  let worker: INestApplication;
  const httpA = (): Server => a.app.getHttpServer();
  const httpB = (): Server => b.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let buildingX: string;
  let buildingY: string;
  let unitX: string;
  let unitY: string;
  let tenant: { id: string; email: string };
  let tenantToken: string;
  const sockets: TestSocket[] = [];

  const open = async (http: Server, token: string | undefined, via?: 'header' | 'protocol') => {
    const socket = await connect(http, token, via);
    sockets.push(socket);
    return socket;
  };
  const welcomed = async (http: Server, token: string, via?: 'header' | 'protocol') => {
    const socket = await open(http, token, via);
    await socket.next((f) => f.type === 'welcome');
    return socket;
  };
  const subscribe = async (socket: TestSocket, rooms: string[]) => {
    const before = socket.frames.length;
    socket.send({ type: 'subscribe', rooms });
    return socket.next((f) => f.type === 'subscribed' && socket.frames.indexOf(f) >= before);
  };
  const building = async (name: string) =>
    (
      await request(httpA())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name, addressLine: `${name} 1`, city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id as string;
  const unit = async (buildingId: string, number: string) =>
    (
      await request(httpA())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number })
        .expect(201)
    ).body.id as string;
  const reportFault = async (http: Server, buildingId: string, unitId: string, title: string) =>
    (
      await request(http)
        .post('/api/v1/faults')
        .set(bearer(org.adminToken))
        .send({ buildingId, unitId, title, description: 'from the realtime test', category: 'plumbing' })
        .expect(201)
    ).body.id as string;
  const faultEvent = (faultId: string) => (f: Frame) =>
    f.type === 'event' && (f['event'] as { payload: { faultId?: string } }).payload.faultId === faultId;

  beforeAll(async () => {
    a = await bootApiServer();
    // The second instance: same database and Redis prefix (bootTestApp's own clone goes unused).
    b = await bootApiServer({ DATABASE_URL: a.db.appUrl, REDIS_KEY_PREFIX: a.env.REDIS_KEY_PREFIX });
    await a.app.listen(0, '127.0.0.1');
    await b.app.listen(0, '127.0.0.1');
    worker = await createTestWorker(a);
    await worker.init();

    org = await createOrganization(httpA(), await registerAndLogin(httpA(), 'rt-admin'), 'Realtime Org');
    buildingX = await building('X House');
    buildingY = await building('Y House');
    unitX = await unit(buildingX, 'X1');
    unitY = await unit(buildingY, 'Y1');
    const user = await registerAndLogin(httpA(), 'rt-tenant');
    await addMember(httpA(), org.adminToken, org.id, user.email, 'tenant');
    const person = (
      await request(httpA())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'Tia', lastName: 'Tenant', userId: user.id })
        .expect(201)
    ).body.id;
    await request(httpA())
      .post(`/api/v1/units/${unitX}/occupants`)
      .set(bearer(org.adminToken))
      .send({ personId: person, relation: 'tenant', startsOn: '2025-01-01' })
      .expect(201);
    tenant = user;
    tenantToken = (await login(httpA(), user.email, undefined, org.id)).accessToken;
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await worker?.close();
    await b?.app.close().catch(() => undefined);
    await b?.cleanup();
    await a?.close();
  });

  it('delivers an event produced on instance A to a client on instance B, and keeps tenants to their building', async () => {
    const staff = await welcomed(httpB(), org.adminToken);
    await subscribe(staff, [`org:${org.id}`]);
    const resident = await welcomed(httpA(), tenantToken, 'protocol');
    expect(resident.ws.protocol).toBe('bearer');
    const joined = await subscribe(resident, [`building:${buildingX}`, `unit:${unitX}`]);
    expect(joined['rooms']).toEqual([`building:${buildingX}`, `unit:${unitX}`]);

    const elsewhere = await reportFault(httpA(), buildingY, unitY, 'Not your building');
    const home = await reportFault(httpA(), buildingX, unitX, 'Your building');

    const seen = await staff.next(faultEvent(home));
    expect(seen).toMatchObject({ room: `org:${org.id}`, id: expect.any(String), seq: expect.any(Number) });
    await staff.next(faultEvent(elsewhere));
    const mine = await resident.next(faultEvent(home));
    expect(mine['event']).toMatchObject({ type: 'fault.created', organizationId: org.id });
    expect(resident.frames.filter((f) => f.type === 'event').map((f) => f['room'])).toEqual(
      expect.arrayContaining([`building:${buildingX}`, `unit:${unitX}`]),
    );
    // The status change of a fault in X reaches the resident too (the event now carries its building).
    await request(httpB())
      .post(`/api/v1/faults/${home}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'triaged' })
      .expect(200);
    await resident.next((f) => f.type === 'event' && (f['event'] as { type: string }).type === 'fault.status_changed');
    expect(resident.frames.some(faultEvent(elsewhere))).toBe(false);
  });

  it('refuses rooms the user may not join with an error frame', async () => {
    const resident = await welcomed(httpA(), tenantToken);
    const other = '00000000-0000-4000-8000-000000000001';
    for (const room of [`building:${buildingY}`, `unit:${unitY}`, `org:${org.id}`, `user:${other}`]) {
      const before = resident.frames.length;
      resident.send({ type: 'subscribe', rooms: [room] });
      const refused = await resident.next((f) => f.type === 'error' && resident.frames.indexOf(f) >= before);
      expect(refused).toMatchObject({ code: 'WS_ROOM_FORBIDDEN', room });
    }
    resident.send({ type: 'subscribe', rooms: ['lobby:everyone'] });
    await resident.next((f) => f.type === 'error' && f['code'] === 'WS_UNKNOWN_ROOM');
    expect(resident.ws.readyState).toBe(resident.ws.OPEN);
  });

  it('closes with 4401 without a token or with a bad one', async () => {
    expect((await (await open(httpA(), undefined)).closed).code).toBe(4401);
    expect((await (await open(httpA(), 'not.a.token')).closed).code).toBe(4401);
  });

  it('answers malformed frames with error frames, then closes with 1008', async () => {
    const socket = await welcomed(httpB(), tenantToken);
    socket.send('{not json');
    await socket.next((f) => f.type === 'error' && f['code'] === 'WS_MALFORMED_FRAME');
    socket.send({ type: 'subscribe', rooms: 'all' });
    socket.send({ type: 'dance' });
    socket.send([1, 2]);
    socket.send({ type: 'resume', room: `unit:${unitX}`, lastSeq: -1 });
    expect((await socket.closed).code).toBe(1008);
    expect(socket.frames.filter((f) => f['code'] === 'WS_MALFORMED_FRAME')).toHaveLength(5);
  });

  it('closes with 1009 on a frame over WS_MAX_MESSAGE_BYTES (4096 by default)', async () => {
    const socket = await welcomed(httpA(), tenantToken);
    socket.send({ type: 'subscribe', rooms: ['x'.repeat(5000)] });
    expect((await socket.closed).code).toBe(1009);
  });

  it('replays what a client missed after a reconnect (resume with the last sequence number)', async () => {
    const first = await welcomed(httpA(), tenantToken);
    await subscribe(first, [`unit:${unitX}`]);
    const before = await reportFault(httpA(), buildingX, unitX, 'Before the drop');
    const last = await first.next(faultEvent(before));
    await first.close();
    // A client still in the room tells when the missed events have been numbered (and streamed).
    const staff = await welcomed(httpA(), org.adminToken);
    await subscribe(staff, [`unit:${unitX}`]);

    const missed = [
      await reportFault(httpB(), buildingX, unitX, 'Missed one'),
      await reportFault(httpB(), buildingX, unitX, 'Missed two'),
    ];
    for (const id of missed) await staff.next(faultEvent(id));

    const again = await welcomed(httpB(), tenantToken);
    again.send({ type: 'resume', room: `unit:${unitX}`, lastSeq: last['seq'] });
    const resumed = await again.next((f) => f.type === 'resumed');
    const replayed = again.frames.filter((f) => f.type === 'event' && f['replay'] === true);
    expect(replayed.map((f) => (f['event'] as { payload: { faultId: string } }).payload.faultId)).toEqual(
      expect.arrayContaining(missed),
    );
    expect(replayed.map((f) => f['seq'])).toEqual(
      replayed.map((_, i) => (last['seq'] as number) + 1 + i),
    );
    expect(resumed).toMatchObject({ room: `unit:${unitX}`, gap: false });
  });

  it('closes the sockets of a session with 4401 when it logs out on the other instance', async () => {
    const session = (await login(httpA(), tenant.email, undefined, org.id)).accessToken;
    const onA = await welcomed(httpA(), session);
    const onB = await welcomed(httpB(), session);
    const bystander = await welcomed(httpA(), tenantToken);
    await request(httpB()).post('/api/v1/auth/logout').set(bearer(session)).expect(204);
    expect((await onA.closed).code).toBe(4401);
    expect((await onB.closed).code).toBe(4401);
    bystander.send({ type: 'ping' });
    await bystander.next((f) => f.type === 'pong');
  });

  it("closes a member's sockets with 4401 when an admin changes their role", async () => {
    const user = await registerAndLogin(httpA(), 'rt-tech');
    const membership = await addMember(httpA(), org.adminToken, org.id, user.email, 'technical_manager');
    const token = (await login(httpA(), user.email, undefined, org.id)).accessToken;
    const socket = await welcomed(httpA(), token);
    await subscribe(socket, [`org:${org.id}`]);
    await request(httpB())
      .patch(`/api/v1/organizations/${org.id}/members/${membership.id}`)
      .set(bearer(org.adminToken))
      .send({ role: 'tenant' })
      .expect(200);
    expect((await socket.closed).code).toBe(4401);
  });

  it('closes sockets beyond the per-user limit with 4429 (WS_MAX_CONNECTIONS_PER_USER, 10 by default)', async () => {
    // An account of its own: the sockets earlier tests left open must not count.
    const session = (await registerAndLogin(httpA(), 'rt-many')).accessToken;
    const open10 = await Promise.all(Array.from({ length: 10 }, () => welcomed(httpB(), session)));
    const extra = await open(httpB(), session);
    expect((await extra.closed).code).toBe(4429);
    await Promise.all(open10.map((s) => s.close()));
    await welcomed(httpB(), session); // a slot is free again
  });

  it('closes sockets with 1001 when an instance shuts down', async () => {
    const socket = await welcomed(httpB(), tenantToken);
    await b.app.close();
    expect((await socket.closed).code).toBe(1001);
  });
});
