import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { makePlatformAdmin, PASSWORD, registerAndLogin } from './identity';

describe('api-server HTTP surface', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    server = await bootApiServer();
  });
  afterAll(() => server.close());

  it('publishes a valid OpenAPI 3 document with the health endpoints', async () => {
    const res = await request(http()).get('/api/docs-json').expect(200);
    expect(res.body.info.title).toBe('Property Management API');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/health/live',
        '/health/ready',
        '/.well-known/jwks.json',
        '/api/v1/auth/login',
        '/api/v1/auth/refresh',
        '/api/v1/auth/introspect',
        '/api/v1/oauth/token',
        '/api/v1/organizations/{id}/members/{memberId}',
      ]),
    );
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
  });

  it('answers unknown API routes with the error envelope and the request id', async () => {
    const res = await request(http())
      .get('/api/v1/does-not-exist')
      .set('X-Request-Id', 'req-404-check')
      .expect(404);
    expect(res.headers['x-request-id']).toBe('req-404-check');
    expect(res.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-404-check' },
    });
  });

  it('counts requests in /metrics and exposes queue depth', async () => {
    await request(http()).get('/health/live').expect(200);
    const res = await request(http()).get('/metrics').expect(200);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} [1-9]/);
    expect(res.text).toContain('bull_queue_jobs{queue="syndication",state="waiting"} 0');
  });

  describe('Bull Board at /admin/queues', () => {
    it('asks for credentials and refuses anyone but a platform administrator', async () => {
      const anonymous = await request(http()).get('/admin/queues').expect(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/);
      const user = await registerAndLogin(http(), 'not-operator');
      await request(http()).get('/admin/queues/api/queues').auth(user.email, PASSWORD).expect(401);
      await request(http()).get('/admin/queues/api/queues').auth('nobody@example.com', PASSWORD).expect(401);
    });

    it('shows every queue to a platform administrator', async () => {
      const operator = await registerAndLogin(http(), 'operator');
      await makePlatformAdmin(server, operator.id);
      await request(http())
        .get('/admin/queues/api/queues')
        .auth(operator.email, 'wrong password 123')
        .expect(401);
      const res = await request(http())
        .get('/admin/queues/api/queues')
        .auth(operator.email, PASSWORD)
        .expect(200);
      expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
        'events',
        'maintenance',
        'syndication',
      ]);
      await request(http()).get('/admin/queues').auth(operator.email, PASSWORD).expect(200);
    });
  });
});
