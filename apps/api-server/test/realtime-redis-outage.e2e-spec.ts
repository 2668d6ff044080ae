import type { INestApplication } from '@nestjs/common';
import { connectWs, startPrivateRedis, type PrivateRedis, type TestSocket } from '@ppt/testing';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';

/**
 * Redis down: sockets stay open, the event written meanwhile waits in the outbox (the relay retries)
 * and reaches the socket once Redis is back.
 */
describe('realtime gateway while Redis is down', () => {
  let redis: PrivateRedis;
  let server: BootedApiServer;
  let worker: INestApplication;
  let socket: TestSocket | undefined;
  let revoked: TestSocket | undefined;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    server = await bootApiServer({ REDIS_URL: redis.url });
    await server.app.listen(0, '127.0.0.1');
    worker = await createTestWorker(server);
    await worker.init();
  }, 120_000);
  // Closing waits for the worker's running jobs and the relay's back-off after the outage: on a loaded
  // machine (CI) that took longer than the default 30 s.
  afterAll(async () => {
    socket?.ws.terminate();
    revoked?.ws.terminate();
    await worker?.close();
    await server?.close();
    await redis?.dispose();
  }, 120_000);

  it('keeps sockets open and delivers what was written during the outage when Redis returns', async () => {
    const org = await createOrganization(http(), await registerAndLogin(http(), 'rt-outage'), 'Outage Org');
    const buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'O', addressLine: 'O 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    socket = await connectWs(http(), org.adminToken);
    await socket.next((f) => f.type === 'welcome');
    socket.send({ type: 'subscribe', rooms: [`org:${org.id}`] });
    await socket.next((f) => f.type === 'subscribed');

    await redis.stop();
    const fault = await request(http())
      .post('/api/v1/faults')
      .set(bearer(org.adminToken))
      .send({ buildingId, title: 'During the outage', description: 'Redis is down', category: 'plumbing' })
      .expect(201);
    socket.send({ type: 'ping' });
    await socket.next((f) => f.type === 'pong');
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);

    await redis.start();
    const delivered = await socket.next(
      (f) => f.type === 'event' && (f['event'] as { payload: { faultId?: string } }).payload.faultId === fault.body.id,
      60_000,
    );
    expect(delivered).toMatchObject({ room: `org:${org.id}`, event: { type: 'fault.created' } });
  }, 120_000);

  it('closes with 4401 the socket of a session revoked while the revocation channel was down', async () => {
    const user = await registerAndLogin(http(), 'rt-missed');
    revoked = await connectWs(http(), user.accessToken);
    await revoked.next((f) => f.type === 'welcome');

    await redis.stop();
    // Ended while no revocation could be heard (as if its message was published during a reconnect).
    const sessionId = JSON.parse(Buffer.from(user.accessToken.split('.')[1] as string, 'base64url').toString())
      .sid as string;
    await asOwner(server, (db) =>
      db.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1`, [sessionId]),
    );
    revoked.send({ type: 'ping' });
    await revoked.next((f) => f.type === 'pong');

    await redis.start();
    // Subscribed again: every held session is checked once more.
    expect((await revoked.closed).code).toBe(4401);
  }, 120_000);
});
