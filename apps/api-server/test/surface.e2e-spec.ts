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

  it('every JSON response schema shows an example', async () => {
    const res = await request(http()).get('/api/docs-json').expect(200);
    const doc = res.body as OpenApiDocument;
    expect(responseFieldsWithoutExample(doc)).toEqual([]);

    // The check itself notices a missing example.
    const withoutCity = structuredClone(doc);
    delete withoutCity.components?.schemas?.['BuildingResponse']?.properties?.['city']?.example;
    expect(responseFieldsWithoutExample(withoutCity)).toEqual(['BuildingResponse.city']);
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
    /** Signs in on the operators' form: the operator session's cookies, or the refusal's status. */
    async function operatorSignIn(email: string, password: string) {
      const res = await request(http())
        .post('/admin/login')
        .set('Accept', 'application/json')
        .send({ email, password });
      const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      return { status: res.status, cookie: cookies.map((c) => c.split(';')[0]).join('; ') };
    }

    it('asks for an operator session and refuses to sign in anyone but a platform administrator', async () => {
      await request(http()).get('/admin/queues').expect(303).expect('Location', '/admin/login');
      await request(http()).get('/admin/queues/api/queues').expect(401);
      const user = await registerAndLogin(http(), 'not-operator');
      expect(await operatorSignIn(user.email, PASSWORD)).toEqual({ status: 401, cookie: '' });
      expect(await operatorSignIn('nobody@example.com', PASSWORD)).toEqual({ status: 401, cookie: '' });
    });

    it('shows every queue to a platform administrator', async () => {
      const operator = await registerAndLogin(http(), 'operator');
      await makePlatformAdmin(server, operator.id);
      expect(await operatorSignIn(operator.email, 'wrong password 123')).toEqual({ status: 401, cookie: '' });
      const { status, cookie } = await operatorSignIn(operator.email, PASSWORD);
      expect(status).toBe(303);
      const res = await request(http()).get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
      expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
        'identity-mail',
        'maintenance',
        'notifications',
        'portal-alerts',
        'portal-feed',
        'portal-inquiries',
        'syndication',
      ]);
      await request(http()).get('/admin/queues').set('Cookie', cookie).expect(200);
    });
  });
});

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components?: { schemas?: Record<string, Schema> };
}

interface ResponseObject {
  content?: Record<string, { schema?: Schema }>;
}

const SCHEMA_REF = '#/components/schemas/';

/**
 * `<Schema>.<property>` of every value in a 2xx `application/json` response body that shows no example:
 * neither its own nor one on an object or array around it. Walks `$ref`s, properties, `items`,
 * `additionalProperties` and allOf/oneOf/anyOf. Any schema that has none of these is a leaf (a scalar,
 * an enum, or a free-form object, whose only illustration can be an example), so nothing is skipped.
 * A 2xx response with a body but no schema to show it is reported as `<METHOD> <path> <status>`; only a
 * 204 may declare no content.
 */
function responseFieldsWithoutExample(doc: OpenApiDocument): string[] {
  const components = doc.components?.schemas ?? {};
  const missing = new Set<string>();

  const walk = (schema: Schema, where: string, covered: boolean, refs: readonly string[]): void => {
    if (schema.$ref) {
      const name = schema.$ref.slice(SCHEMA_REF.length);
      const target = schema.$ref.startsWith(SCHEMA_REF) ? components[name] : undefined;
      if (!target) missing.add(`${where} (unresolved ${schema.$ref})`);
      // A schema that contains itself has been walked once already on this branch.
      else if (!refs.includes(name)) walk(target, name, covered, [...refs, name]);
      return;
    }
    const shown = covered || schema.example !== undefined;
    const parts = [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
    const nested = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const part of parts) walk(part, where, shown, refs);
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      walk(property, `${where}.${key}`, shown, refs);
    }
    if (schema.items) walk(schema.items, where, shown, refs);
    if (nested) walk(nested, `${where}.*`, shown, refs);
    const isLeaf = !parts.length && !schema.properties && !schema.items && !nested;
    if (isLeaf && !shown) missing.add(where);
  };

  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const json = response.content?.['application/json'];
        if (json?.schema) walk(json.schema, where, false, []);
        // Another media type (none today) is not JSON; a response without content hides its body.
        else if (!response.content || json) missing.add(where);
      }
    }
  }
  return [...missing].sort();
}
