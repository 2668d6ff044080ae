import type { Server } from 'node:http';
import { connectWs, type TestSocket, type WsFrame } from '@ppt/testing';
import request from 'supertest';
import { ApiServerPeer, type PortalUser } from './api-server-peer';
import { bootRealityServer, type BootedRealityServer } from './boot';

/**
 * The portal's /ws for signed-in visitors (SSO tokens as on its HTTP routes), against a real
 * api-server process: a visitor's own changes reach their user room, nobody else's.
 */
describe('portal realtime gateway', () => {
  let peer: ApiServerPeer;
  let portal: BootedRealityServer;
  let visitor: PortalUser;
  let other: PortalUser;
  const http = (): Server => portal.app.getHttpServer();
  const sockets: TestSocket[] = [];
  const welcomed = async (token: string) => {
    const socket = await connectWs(http(), token);
    sockets.push(socket);
    await socket.next((f) => f.type === 'welcome');
    return socket;
  };
  const eventOf = (type: string) => (f: WsFrame) =>
    f.type === 'event' && (f['event'] as { type: string }).type === type;

  beforeAll(async () => {
    peer = await ApiServerPeer.start();
    portal = await bootRealityServer(peer.portalEnv());
    await portal.app.listen(0, '127.0.0.1');
    visitor = await peer.registerAndLogin('rt-visitor');
    other = await peer.registerAndLogin('rt-other');
  }, 180_000);
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await portal?.close();
    await peer?.dispose();
  });

  it("sends a visitor's saved-search changes to their own sockets only", async () => {
    const mine = await welcomed(visitor.accessToken);
    expect((await mine.next((f) => f.type === 'welcome'))['rooms']).toEqual([`user:${visitor.id}`]);
    const theirs = await welcomed(other.accessToken);
    const saved = await request(http())
      .post('/api/v1/saved-searches')
      .set('Authorization', `Bearer ${visitor.accessToken}`)
      .send({ name: 'Flats', filters: { transaction: 'rent' } })
      .expect(201);
    const event = await mine.next(eventOf('saved_search.created'));
    expect(event).toMatchObject({
      room: `user:${visitor.id}`,
      seq: expect.any(Number),
      event: { payload: { savedSearchId: saved.body.id, name: 'Flats' } },
    });
    await request(http())
      .delete(`/api/v1/saved-searches/${saved.body.id}`)
      .set('Authorization', `Bearer ${visitor.accessToken}`)
      .expect(204);
    await mine.next(eventOf('saved_search.deleted'));
    // The other visitor may not listen in, and heard nothing.
    theirs.send({ type: 'subscribe', rooms: [`user:${visitor.id}`] });
    await theirs.next((f) => f.type === 'error' && f['code'] === 'WS_ROOM_FORBIDDEN');
    expect(theirs.events()).toHaveLength(0);
  });

  it('refuses an invalid token with 4401 and closes with 4401 when the session logs out on api-server', async () => {
    const bad = await connectWs(http(), 'garbage');
    sockets.push(bad);
    expect((await bad.closed).code).toBe(4401);
    const session = await peer.login(visitor.email);
    const socket = await welcomed(session);
    await peer.logout(session);
    expect((await socket.closed).code).toBe(4401);
  });
});
