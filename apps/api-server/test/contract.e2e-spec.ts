import { fuzzRequests, OpenApiContract, takeContractViolations, WORKSPACE_ROOT } from '@ppt/testing';
import { openApiDocumentOf } from '@ppt/http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { bearer, createOrganization, registerAndLogin } from './identity';

/** How many requests each operation gets (the first from the schemas' examples). Bounded: CI time. */
const PER_OPERATION = 4;
const SEED = 24;

describe('api-server keeps its OpenAPI contract', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  beforeAll(async () => {
    server = await bootApiServer();
  });
  afterAll(() => server.close());

  it('serves the document it was generated with: the committed docs/openapi/api-server.json', async () => {
    const served = await request(http()).get('/api/docs-json').expect(200);
    const committed = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'docs/openapi/api-server.json'), 'utf8'));
    expect(served.body).toEqual(committed);
  });

  it('answers every operation, with generated valid and invalid input, without a 5xx and as documented', async () => {
    const admin = await registerAndLogin(http(), 'contract-fuzz');
    const org = await createOrganization(http(), admin);
    const building = await request(http()).post('/api/v1/buildings').set(bearer(org.adminToken)).send({
      name: 'Fuzz House',
      addressLine: 'Vinohradská 12',
      city: 'Praha',
      postalCode: '12000',
      country: 'CZ',
    });
    const document = openApiDocumentOf(server.app) as unknown as Record<string, unknown>;
    const requests = fuzzRequests(document, {
      seed: SEED,
      perOperation: PER_OPERATION,
      fixedPathValues: { id: building.body.id ?? org.id, organizationId: org.id },
    });

    const serverErrors: string[] = [];
    const violations: string[] = [];
    for (const r of requests) {
      let call = request(http())[r.method as 'get'](r.path).query(r.query);
      if (r.authenticated) call = call.set(bearer(org.adminToken));
      // Any JSON value, scalars and null included (supertest's send() only takes objects).
      if (r.body !== undefined)
        call = call.set('Content-Type', 'application/json').send(JSON.stringify(r.body));
      const res = await call;
      if (res.status >= 500)
        serverErrors.push(`${r.operation} ${r.path} → ${res.status} ${res.text.slice(0, 200)}`);
      violations.push(...takeContractViolations());
    }
    expect(serverErrors).toEqual([]);
    expect([...new Set(violations)]).toEqual([]);
    expect(requests.length).toBeGreaterThan(150 * PER_OPERATION);
  }, 600_000);

  it('fails an answer that drifted from the document (a response field renamed)', async () => {
    const admin = await registerAndLogin(http(), 'contract-drift');
    const org = await createOrganization(http(), admin);
    const created = await request(http())
      .post('/api/v1/buildings')
      .set(bearer(org.adminToken))
      .send({
        name: 'Drift House',
        addressLine: 'Vinohradská 12',
        city: 'Praha',
        postalCode: '12000',
        country: 'CZ',
      })
      .expect(201);
    const res = await request(http())
      .get(`/api/v1/buildings/${created.body.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    const contract = new OpenApiContract(openApiDocumentOf(server.app) as unknown as Record<string, unknown>);
    const observed = {
      method: 'GET',
      route: '/api/v1/buildings/:id',
      status: 200,
      contentType: 'application/json',
    };
    expect(contract.violations({ ...observed, body: res.body })).toEqual([]);

    // The server renames `name` to `title`: the document's required `name` is missing.
    const { name, ...rest } = res.body as { name: string };
    expect(contract.violations({ ...observed, body: { ...rest, title: name } })).toEqual([
      expect.stringContaining("must have required property 'name'"),
    ]);
    // An undocumented status and a wrongly typed field are caught too.
    expect(contract.violations({ ...observed, status: 418, body: res.body })).toEqual([
      expect.stringContaining('status not documented'),
    ]);
    expect(contract.violations({ ...observed, body: { ...res.body, floors: 'six' } })).not.toEqual([]);
  });
});
