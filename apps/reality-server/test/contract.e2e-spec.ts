import { openApiDocumentOf } from '@ppt/http';
import { fuzzRequests, takeContractViolations, WORKSPACE_ROOT } from '@ppt/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bootRealityServer, type BootedRealityServer } from './boot';

const PER_OPERATION = 8;
const SEED = 24;

/**
 * The portal against its own document. No api-server runs here, so signed-in routes can only answer
 * 401 or 503 (sign-in cannot be checked): both must be documented answers too. The public search,
 * listing and inquiry routes get the full generated input.
 */
describe('reality-server keeps its OpenAPI contract', () => {
  let server: BootedRealityServer;
  const http = () => server.app.getHttpServer();
  beforeAll(async () => {
    server = await bootRealityServer();
  });
  afterAll(() => server.close());

  it('serves the document it was generated with: the committed docs/openapi/reality-server.json', async () => {
    const served = await request(http()).get('/api/docs-json').expect(200);
    const committed = JSON.parse(
      readFileSync(join(WORKSPACE_ROOT, 'docs/openapi/reality-server.json'), 'utf8'),
    );
    expect(served.body).toEqual(committed);
  });

  it('answers every operation, with generated valid and invalid input, without a 5xx other than 503 and as documented', async () => {
    const document = openApiDocumentOf(server.app) as unknown as Record<string, unknown>;
    const requests = fuzzRequests(document, { seed: SEED, perOperation: PER_OPERATION });
    const serverErrors: string[] = [];
    const violations: string[] = [];
    for (const r of requests) {
      let call = request(http())[r.method as 'get'](r.path).query(r.query);
      if (r.authenticated) call = call.set('Authorization', 'Bearer not-a-token');
      // Any JSON value, scalars and null included (supertest's send() only takes objects).
      if (r.body !== undefined)
        call = call.set('Content-Type', 'application/json').send(JSON.stringify(r.body));
      const res = await call;
      // 503 is the documented answer of a signed-in route while api-server cannot be asked.
      if (res.status >= 500 && res.status !== 503)
        serverErrors.push(`${r.operation} ${r.path} → ${res.status}`);
      violations.push(...takeContractViolations());
    }
    expect(serverErrors).toEqual([]);
    expect([...new Set(violations)]).toEqual([]);
    expect(requests.length).toBe(18 * PER_OPERATION);
  }, 300_000);
});
