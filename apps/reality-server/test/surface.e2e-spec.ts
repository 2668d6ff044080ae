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

    it('is live and ready, with each dependency reported', async () => {
      await request(http()).get('/health/live').expect(200);
      const ready = await request(http()).get('/health/ready').expect(200);
      expect(ready.body.details).toEqual({
        database: { status: 'up', latencyMs: expect.any(Number) },
        redis: { status: 'up', latencyMs: expect.any(Number) },
        // No SSO client here (allowed outside production): sign-in is off, the portal does not need api-server.
        'api-server': { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) },
      });
      expect(ready.body.status).toBe('degraded');
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

  describe('with SSO configured and api-server never reached since start', () => {
    let server: BootedRealityServer;
    beforeAll(async () => {
      // API_SERVER_URL is a closed port: as with a wrong URL or a blocked network path.
      server = await bootRealityServer({ SSO_CLIENT_SECRET: 'a-portal-secret-for-tests' });
    });
    afterAll(() => server.close());

    it('is not ready (503 error), so a rollout with a broken API_SERVER_URL cannot pass; liveness stays 200', async () => {
      const ready = await request(server.app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body).toMatchObject({
        status: 'error',
        error: { 'api-server': { status: 'down', error: expect.stringMatching(/ECONNREFUSED/) } },
        info: { database: { status: 'up' }, redis: { status: 'up' } },
      });
      await request(server.app.getHttpServer()).get('/health/live').expect(200);
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
