import SwaggerParser from '@apidevtools/swagger-parser';
import { closedPort } from '@ppt/testing';
import request from 'supertest';
import { bootRealityServer, type BootedRealityServer } from './boot';

describe('reality-server', () => {
  describe('with PostgreSQL and Redis up', () => {
    let server: BootedRealityServer;
    const http = () => server.app.getHttpServer();
    beforeAll(async () => {
      server = await bootRealityServer();
    });
    afterAll(() => server.close());

    it('is live, but not ready while api-server has never answered since start, with each dependency reported', async () => {
      await request(http()).get('/health/live').expect(200);
      // No api-server in this test: as with a wrong API_SERVER_URL, a rollout must not pass.
      const ready = await request(http()).get('/health/ready').expect(503);
      expect(ready.body.details).toEqual({
        database: { status: 'up', latencyMs: expect.any(Number) },
        redis: { status: 'up', latencyMs: expect.any(Number) },
        'api-server': { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) },
      });
      expect(ready.body.status).toBe('error');
    });

    it('publishes its own valid OpenAPI 3 document', async () => {
      const res = await request(http()).get('/api/docs-json').expect(200);
      expect(res.body.info.title).toBe('Reality Portal API');
      await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
    });

    it('serves metrics and the error envelope', async () => {
      const missing = await request(http()).get('/api/v1/listings-that-do-not-exist').expect(404);
      expect(missing.body.error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: missing.headers['x-request-id'],
      });
      const metrics = await request(http()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /http_requests_total\{method="GET",route="\/api\/v1\/\{\*path\}",status="404"\} [1-9]/,
      );
    });

    it('has no operator board (Bull Board lives on api-server only)', async () => {
      await request(http()).get('/admin/queues').expect(404);
    });
  });

  describe('with Redis unreachable', () => {
    let server: BootedRealityServer;
    beforeAll(async () => {
      server = await bootRealityServer({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    });
    afterAll(() => server.close());

    it('answers readiness with 503 while liveness stays 200', async () => {
      const ready = await request(server.app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.details.redis.status).toBe('down');
      await request(server.app.getHttpServer()).get('/health/live').expect(200);
    });
  });
});
