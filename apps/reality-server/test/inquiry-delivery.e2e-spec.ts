import type { NestExpressApplication } from '@nestjs/platform-express';
import { createWorkerApp } from '@ppt/http';
import { bootTestApp, closedPort, eventually, type BootedApp } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { PortalListingsRepository } from '../src/modules/listings/portal-listings.repository';
import { RealityServerEnv } from '../src/reality-server.env';
import { WorkerModule } from '../src/worker.module';
import { bootRealityServer, type BootedRealityServer } from './boot';

/**
 * An inquiry sent while api-server cannot take it is not lost: it waits on the portal, each failed
 * attempt is recorded, and it is delivered exactly once when api-server answers again. The peer is a
 * small stand-in speaking api-server's token and inquiry endpoints, so the test decides when it is down.
 */
describe('inquiry delivery while api-server is down', () => {
  let peer: Server;
  let down = true;
  const delivered: { portalInquiryId: string; name: string }[] = [];
  let portal: BootedRealityServer;
  let worker: BootedApp<NestExpressApplication, RealityServerEnv>;
  let owner: Client;

  beforeAll(async () => {
    peer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/api/v1/oauth/token') {
          res.end(JSON.stringify({ access_token: 'service-token', token_type: 'Bearer', expires_in: 900 }));
        } else if (req.url === '/api/v1/portal/inquiries' && down) {
          res.statusCode = 503;
          res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }));
        } else if (req.url === '/api/v1/portal/inquiries') {
          const inquiry = JSON.parse(body) as { portalInquiryId: string; name: string };
          const again = delivered.some((d) => d.portalInquiryId === inquiry.portalInquiryId);
          if (!again) delivered.push(inquiry);
          res.statusCode = again ? 200 : 201;
          res.end(JSON.stringify({ id: randomUUID(), created: !again }));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    const port = await closedPort();
    await new Promise<void>((resolve) => peer.listen(port, '127.0.0.1', resolve));
    const sso = {
      API_SERVER_URL: `http://127.0.0.1:${port}`,
      SSO_CLIENT_SECRET: 'a-portal-secret-for-tests',
    };
    portal = await bootRealityServer(sso);
    worker = await bootTestApp(RealityServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), {
      ...sso,
      DATABASE_URL: portal.db.portalUrl,
      REDIS_KEY_PREFIX: portal.env.REDIS_KEY_PREFIX,
    });
    owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await worker?.close();
    await portal?.close();
    await new Promise((resolve) => peer?.close(resolve));
  });

  const row = async (id: string) =>
    (await owner.query(`SELECT attempts, last_error, delivered_at FROM portal.inquiries WHERE id = $1`, [id]))
      .rows[0] as { attempts: number; last_error: string | null; delivered_at: Date | null };

  it('keeps the inquiry, records failed attempts, and delivers it once when api-server is back', async () => {
    const listingId = randomUUID();
    await portal.app.get(PortalListingsRepository).apply(randomUUID(), 1, {
      listingId,
      status: 'published',
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Byt u parku',
      description: '',
      priceAmount: 2000000,
      currency: 'CZK',
      areaM2: 50,
      rooms: 2,
      floor: 1,
      energyClass: null,
      features: [],
      addressLine: 'Parková 1',
      city: 'Praha',
      region: null,
      postalCode: '110 00',
      country: 'CZ',
      latitude: null,
      longitude: null,
      photoDocumentIds: [],
      contactUserId: null,
      publishedAt: new Date().toISOString(),
    });
    const sent = await request(portal.app.getHttpServer())
      .post(`/api/v1/listings/${listingId}/inquiries`)
      .send({ name: 'Eva Dvořáková', email: 'eva@example.com', message: 'Je byt ještě volný?' })
      .expect(202);
    const id = sent.body.id as string;

    const waiting = await eventually(async () => {
      const r = await row(id);
      return r.attempts >= 1 && r;
    }, 20_000);
    expect(waiting).toMatchObject({ delivered_at: null, last_error: expect.stringContaining('503') });
    expect(delivered).toEqual([]);

    down = false;
    const done = await eventually(async () => {
      const r = await row(id);
      return r.delivered_at !== null && r;
    }, 20_000);
    expect(done.delivered_at).not.toBeNull();
    expect(delivered).toEqual([expect.objectContaining({ portalInquiryId: id, name: 'Eva Dvořáková' })]);
  }, 40_000);
});
