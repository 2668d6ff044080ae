import { closedPort } from '@ppt/testing';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';

describe('api-server health', () => {
  describe('with PostgreSQL and Redis up', () => {
    let server: BootedApiServer;
    beforeAll(async () => {
      server = await bootApiServer();
    });
    afterAll(() => server.close());

    it('GET /health/live answers 200 without touching dependencies', async () => {
      const res = await request(server.app.getHttpServer()).get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('GET /health/ready reports each dependency with its latency', async () => {
      const res = await request(server.app.getHttpServer()).get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      for (const name of ['database', 'redis']) {
        expect(res.body.details[name]).toEqual({ status: 'up', latencyMs: expect.any(Number) });
      }
    });
  });

  describe('with Redis unreachable', () => {
    let server: BootedApiServer;
    beforeAll(async () => {
      server = await bootApiServer({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    });
    afterAll(() => server.close());

    it('readiness answers 503 naming Redis as down, while liveness stays 200', async () => {
      const http = server.app.getHttpServer();
      const ready = await request(http).get('/health/ready').expect(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.details.redis).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(ready.body.details.database).toMatchObject({ status: 'up' });
      await request(http).get('/health/live').expect(200);
    });
  });
});
