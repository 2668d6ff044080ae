import type { INestApplication } from '@nestjs/common';
import { RealtimeHub } from '@ppt/realtime';
import { connectWs, type TestSocket, type WsFrame } from '@ppt/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';

/**
 * Who receives which event on the WebSocket gateway (real outbox relay, real sockets): the org room
 * filtered by the permission each event needs, building rooms by whose home an event concerns,
 * resume limited to what happened since the resident moved in, and a moved-out tenant leaving.
 */
describe('realtime gateway: what each member receives', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  const http = (): Server => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let buildingB: string;
  let unitA: string;
  let unitC: string;
  let managerToken: string;
  let techToken: string;
  let tenantAToken: string;
  let tenantAOccupancy: string;
  const sockets: TestSocket[] = [];

  const post = (path: string, body: Record<string, unknown>, token = org.adminToken) =>
    request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body);
  const welcomed = async (token: string) => {
    const socket = await connectWs(http(), token);
    sockets.push(socket);
    await socket.next((f) => f.type === 'welcome');
    return socket;
  };
  const subscribe = async (socket: TestSocket, rooms: string[]) => {
    const before = socket.frames.length;
    socket.send({ type: 'subscribe', rooms });
    const joined = await socket.next((f) => f.type === 'subscribed' && socket.frames.indexOf(f) >= before);
    expect(joined['rooms']).toEqual(rooms);
  };
  const reportFault = async (unitId: string | null, title: string) =>
    (
      await post('/faults', {
        buildingId: buildingB,
        ...(unitId ? { unitId } : {}),
        title,
        description: 'from the realtime access test',
        category: 'plumbing',
      }).expect(201)
    ).body.id as string;
  const faultEvent = (faultId: string) => (f: WsFrame) =>
    f.type === 'event' && (f['event'] as { payload: { faultId?: string } }).payload.faultId === faultId;
  const typeOf = (f: WsFrame) => (f['event'] as { type: string }).type;
  /** A member with `role`, acting in the organisation. */
  const member = async (label: string, role: 'manager' | 'technical_manager' | 'tenant') => {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, role);
    return user;
  };
  /** `user` becomes a tenant of `unitId` (back-dated, as a manager may record it); the occupancy id. */
  const moveIn = async (userId: string, unitId: string, lastName: string) => {
    const personId = (await post('/people', { firstName: 'T', lastName, userId }).expect(201)).body.id as string;
    return (
      await post(`/units/${unitId}/occupants`, { personId, relation: 'tenant', startsOn: '2025-01-01' }).expect(201)
    ).body.id as string;
  };

  beforeAll(async () => {
    server = await bootApiServer();
    await server.app.listen(0, '127.0.0.1');
    worker = await createTestWorker(server);
    await worker.init();
    org = await createOrganization(http(), await registerAndLogin(http(), 'rta-admin'), 'Realtime Access Org');
    buildingB = (
      await post('/buildings', { name: 'B House', addressLine: 'B 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    unitA = (await post('/units', { buildingId: buildingB, number: 'A' }).expect(201)).body.id;
    unitC = (await post('/units', { buildingId: buildingB, number: 'C' }).expect(201)).body.id;
    const manager = await member('rta-manager', 'manager');
    const tech = await member('rta-tech', 'technical_manager');
    const tenantA = await member('rta-tenant-a', 'tenant');
    tenantAOccupancy = await moveIn(tenantA.id, unitA, 'Alpha');
    managerToken = (await login(http(), manager.email, undefined, org.id)).accessToken;
    techToken = (await login(http(), tech.email, undefined, org.id)).accessToken;
    tenantAToken = (await login(http(), tenantA.email, undefined, org.id)).accessToken;
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await worker?.close();
    await server?.close();
  });

  it('gives finance events in the org room to a manager, not to a technical manager', async () => {
    const manager = await welcomed(managerToken);
    const tech = await welcomed(techToken);
    await subscribe(manager, [`org:${org.id}`]);
    await subscribe(tech, [`org:${org.id}`]);

    const charge = (
      await post('/charges', { unitId: unitA, kind: 'rent', amount: 1000, currency: 'CZK', dueDate: '2027-01-10' })
        .expect(201)
    ).body.id as string;
    await post(`/charges/${charge}/payments`, { amount: 400, currency: 'CZK', method: 'bank_transfer' }).expect(201);
    const after = await reportFault(unitA, 'After the payment');

    await manager.next((f) => f.type === 'event' && typeOf(f) === 'payment.recorded');
    await manager.next((f) => f.type === 'event' && typeOf(f) === 'charge.created');
    // Events reach the room in order: the fault after the payment arrived, the payment was not sent.
    await tech.next(faultEvent(after));
    expect(tech.events().map(typeOf)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(payment|charge)\./)]),
    );
    expect(tech.events().map(typeOf)).toContain('fault.created');
  });

  it("keeps the tenant of unit A in building B from unit C's faults (and from other residents' payments)", async () => {
    const tenant = await welcomed(tenantAToken);
    await subscribe(tenant, [`building:${buildingB}`, `unit:${unitA}`]);
    const staff = await welcomed(managerToken);
    await subscribe(staff, [`building:${buildingB}`]);

    const neighbours = await reportFault(unitC, "The neighbour's leak");
    const common = await reportFault(null, 'Staircase light');
    const mine = await reportFault(unitA, 'My leak');

    await staff.next(faultEvent(neighbours));
    await staff.next(faultEvent(common));
    const got = await tenant.next(faultEvent(mine));
    expect(got['room']).toMatch(/^(building|unit):/);
    expect(tenant.frames.some(faultEvent(neighbours))).toBe(false);
    expect(tenant.frames.some(faultEvent(common))).toBe(false);
    expect(tenant.events().map(typeOf)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(payment|charge)\./)]),
    );
  });

  it('replays to a new tenant only what happened in their unit since they moved in', async () => {
    // Unit C's earlier events are in its room stream (the manager sees them numbered there).
    const staff = await welcomed(managerToken);
    await subscribe(staff, [`unit:${unitC}`]);
    const before = await reportFault(unitC, 'Before the new tenant');
    const numbered = await staff.next(faultEvent(before));
    expect(numbered['seq']).toEqual(expect.any(Number));

    const newcomer = await member('rta-tenant-c', 'tenant');
    await moveIn(newcomer.id, unitC, 'Charlie');
    const token = (await login(http(), newcomer.email, undefined, org.id)).accessToken;
    const since = await reportFault(unitC, 'After the new tenant moved in');
    await staff.next(faultEvent(since));

    const socket = await welcomed(token);
    socket.send({ type: 'resume', room: `unit:${unitC}`, lastSeq: 0 });
    const resumed = await socket.next((f) => f.type === 'resumed');
    expect(resumed['lastSeq']).toBeGreaterThanOrEqual(numbered['seq'] as number);
    const replayed = socket.frames.filter((f) => f.type === 'event' && f['replay'] === true);
    expect(replayed.some(faultEvent(since))).toBe(true);
    expect(replayed.some(faultEvent(before))).toBe(false);
    expect(replayed.every((f) => typeOf(f) === 'fault.created' || typeOf(f) === 'fault.status_changed')).toBe(
      true,
    );
  });

  it('takes a tenant who moved out out of their unit and building rooms when the rooms are checked again', async () => {
    const tenant = await welcomed(tenantAToken);
    await subscribe(tenant, [`building:${buildingB}`, `unit:${unitA}`]);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await post(`/units/${unitA}/occupants/${tenantAOccupancy}/end`, { endsOn: yesterday }).expect(204);

    await server.app.get(RealtimeHub).revalidate();
    for (const room of [`building:${buildingB}`, `unit:${unitA}`])
      await tenant.next((f) => f.type === 'error' && f['code'] === 'WS_ROOM_FORBIDDEN' && f['room'] === room);

    const staff = await welcomed(managerToken);
    await subscribe(staff, [`unit:${unitA}`]);
    const later = await reportFault(unitA, 'After the move-out');
    await staff.next(faultEvent(later));
    tenant.send({ type: 'ping' });
    await tenant.next((f) => f.type === 'pong');
    expect(tenant.frames.some(faultEvent(later))).toBe(false);
  });
});
