import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';

const building = (overrides: Record<string, unknown> = {}) => ({
  name: 'Vinohradská 12',
  addressLine: 'Vinohradská 1234/12',
  city: 'Praha',
  postalCode: '120 00',
  country: 'cz',
  latitude: 50.0755,
  longitude: 14.4378,
  yearBuilt: 1932,
  floors: 6,
  ...overrides,
});

describe('buildings and units', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let orgA: { id: string; adminToken: string };
  let orgB: { id: string; adminToken: string };
  let technicalToken: string;
  let tenantToken: string;

  beforeAll(async () => {
    server = await bootApiServer();
    orgA = await createOrganization(http(), await registerAndLogin(http(), 'pm-a'), 'Alpha');
    orgB = await createOrganization(http(), await registerAndLogin(http(), 'pm-b'), 'Beta');
    const technical = await registerAndLogin(http(), 'tech');
    await addMember(http(), orgA.adminToken, orgA.id, technical.email, 'technical_manager');
    technicalToken = (await login(http(), technical.email, undefined, orgA.id)).accessToken;
    const tenant = await registerAndLogin(http(), 'resident');
    await addMember(http(), orgA.adminToken, orgA.id, tenant.email, 'tenant');
    tenantToken = (await login(http(), tenant.email, undefined, orgA.id)).accessToken;
  });
  afterAll(() => server.close());

  const createBuilding = async (token: string, overrides: Record<string, unknown> = {}) =>
    (await request(http()).post('/api/v1/buildings').set(bearer(token)).send(building(overrides)).expect(201))
      .body as { id: string };

  it('creates, reads, updates a building and audits each change with a diff', async () => {
    const created = await request(http())
      .post('/api/v1/buildings')
      .set(bearer(orgA.adminToken))
      .send(building())
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Vinohradská 12',
      country: 'CZ',
      latitude: 50.0755,
      type: 'residential',
      unitCount: 0,
      archivedAt: null,
    });
    const id = created.body.id;

    const updated = await request(http())
      .patch(`/api/v1/buildings/${id}`)
      .set(bearer(orgA.adminToken))
      .send({ name: 'Vinohradská 12A', floors: 7 })
      .expect(200);
    expect(updated.body).toMatchObject({ name: 'Vinohradská 12A', floors: 7, city: 'Praha' });
    await request(http()).get(`/api/v1/buildings/${id}`).set(bearer(technicalToken)).expect(200);

    const audit = await request(http())
      .get(`/api/v1/audit-logs?entityType=building&entityId=${id}`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(audit.body.total).toBe(2);
    const [update, create] = audit.body.items;
    expect(update).toMatchObject({ action: 'building.updated', entityId: id, requestId: expect.any(String) });
    expect(update.details.changes).toEqual({
      name: { before: 'Vinohradská 12', after: 'Vinohradská 12A' },
      floors: { before: 6, after: 7 },
    });
    expect(create.action).toBe('building.created');
    expect(create.details.changes.name).toEqual({ before: null, after: 'Vinohradská 12' });
  });

  it('validates input with a detail per field', async () => {
    const res = await request(http())
      .post('/api/v1/buildings')
      .set(bearer(orgA.adminToken))
      .send(building({ country: 'Czechia', latitude: 123, yearBuilt: 'old', extra: 1 }))
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect([...new Set(res.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'country',
      'extra',
      'latitude',
      'yearBuilt',
    ]);
  });

  it('lists with filters, text search, sorting and pagination', async () => {
    const prefix = `List-${randomUUID().slice(0, 4)}`;
    await createBuilding(orgA.adminToken, { name: `${prefix} Brno B`, city: 'Brno', yearBuilt: 1990 });
    await createBuilding(orgA.adminToken, { name: `${prefix} Brno A`, city: 'Brno', yearBuilt: 1950 });
    await createBuilding(orgA.adminToken, { name: `${prefix} Ostrava`, city: 'Ostrava', type: 'commercial' });

    const brno = await request(http())
      .get(`/api/v1/buildings?q=${prefix}&city=brno&sort=-yearBuilt`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(brno.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(brno.body.items.map((b: { name: string }) => b.name)).toEqual([
      `${prefix} Brno B`,
      `${prefix} Brno A`,
    ]);

    const page = await request(http())
      .get(`/api/v1/buildings?q=${prefix}&sort=name&limit=2&offset=2`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((b: { name: string }) => b.name)).toEqual([`${prefix} Ostrava`]);

    const commercial = await request(http())
      .get(`/api/v1/buildings?q=${prefix}&type=commercial`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(commercial.body.total).toBe(1);

    await request(http()).get('/api/v1/buildings?sort=password').set(bearer(orgA.adminToken)).expect(400);
    await request(http()).get('/api/v1/buildings?limit=101').set(bearer(orgA.adminToken)).expect(400);
    const wildcard = await request(http())
      .get('/api/v1/buildings?q=%25')
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('keeps unit numbers unique per building (409) and counts units on the building', async () => {
    const b = await createBuilding(orgA.adminToken);
    const unit = await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({
        buildingId: b.id,
        number: '1.01',
        floor: 1,
        areaM2: 68.5,
        rooms: 3,
        ownershipShareNumerator: 685,
        ownershipShareDenominator: 10000,
      })
      .expect(201);
    expect(unit.body).toMatchObject({
      number: '1.01',
      areaM2: 68.5,
      rooms: 3,
      type: 'apartment',
      status: 'vacant',
      ownershipShareNumerator: 685,
    });

    const dup = await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({ buildingId: b.id, number: '1.01' })
      .expect(409);
    expect(dup.body.error.code).toBe('UNIT_NUMBER_TAKEN');
    const other = await createBuilding(orgA.adminToken);
    await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({ buildingId: other.id, number: '1.01' })
      .expect(201);

    const second = await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({ buildingId: b.id, number: '1.02' })
      .expect(201);
    const renamed = await request(http())
      .patch(`/api/v1/units/${second.body.id}`)
      .set(bearer(orgA.adminToken))
      .send({ number: '1.01' })
      .expect(409);
    expect(renamed.body.error.code).toBe('UNIT_NUMBER_TAKEN');

    const withUnits = await request(http())
      .get(`/api/v1/buildings/${b.id}`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(withUnits.body.unitCount).toBe(2);
    const list = await request(http())
      .get(`/api/v1/units?buildingId=${b.id}&sort=-number`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(list.body.items.map((u: { number: string }) => u.number)).toEqual(['1.02', '1.01']);
  });

  it('refuses to delete a building with units (409) but archives it deliberately; an empty one can be deleted', async () => {
    const b = await createBuilding(orgA.adminToken);
    const unit = await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({ buildingId: b.id, number: 'A' })
      .expect(201);
    const refused = await request(http())
      .delete(`/api/v1/buildings/${b.id}`)
      .set(bearer(orgA.adminToken))
      .expect(409);
    expect(refused.body.error.code).toBe('BUILDING_HAS_UNITS');

    const archived = await request(http())
      .post(`/api/v1/buildings/${b.id}/archive`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(archived.body.archivedAt).not.toBeNull();
    const listed = await request(http())
      .get('/api/v1/buildings?limit=100')
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(b.id);
    const all = await request(http())
      .get('/api/v1/buildings?limit=100&includeArchived=true')
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(all.body.items.map((x: { id: string }) => x.id)).toContain(b.id);
    const blocked = await request(http())
      .post('/api/v1/units')
      .set(bearer(orgA.adminToken))
      .send({ buildingId: b.id, number: 'B' })
      .expect(409);
    expect(blocked.body.error.code).toBe('BUILDING_ARCHIVED');

    await request(http()).delete(`/api/v1/units/${unit.body.id}`).set(bearer(orgA.adminToken)).expect(204);
    await request(http()).delete(`/api/v1/buildings/${b.id}`).set(bearer(orgA.adminToken)).expect(204);
    await request(http()).get(`/api/v1/buildings/${b.id}`).set(bearer(orgA.adminToken)).expect(404);
  });

  it('enforces the role matrix: technical managers read, residents and realtors are refused here', async () => {
    const b = await createBuilding(orgA.adminToken);
    await request(http()).get('/api/v1/buildings').set(bearer(technicalToken)).expect(200);
    await request(http()).get('/api/v1/units').set(bearer(technicalToken)).expect(200);
    await request(http()).post('/api/v1/buildings').set(bearer(technicalToken)).send(building()).expect(403);
    await request(http())
      .patch(`/api/v1/buildings/${b.id}`)
      .set(bearer(technicalToken))
      .send({ name: 'X' })
      .expect(403);
    await request(http()).delete(`/api/v1/buildings/${b.id}`).set(bearer(technicalToken)).expect(403);
    await request(http()).get('/api/v1/audit-logs').set(bearer(technicalToken)).expect(403);
    await request(http()).get('/api/v1/buildings').set(bearer(tenantToken)).expect(403);
    const noOrg = await registerAndLogin(http(), 'visitor');
    const res = await request(http()).get('/api/v1/buildings').set(bearer(noOrg.accessToken)).expect(403);
    expect(res.body.error.code).toMatch(/FORBIDDEN|NO_ORGANIZATION/);
  });

  it("answers another organisation's ids with 404 and changes nothing", async () => {
    const b = await createBuilding(orgB.adminToken, { name: 'Beta House' });
    const u = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(orgB.adminToken))
        .send({ buildingId: b.id, number: '7' })
        .expect(201)
    ).body;
    const a = bearer(orgA.adminToken);
    const responses = await Promise.all([
      request(http()).get(`/api/v1/buildings/${b.id}`).set(a),
      request(http()).patch(`/api/v1/buildings/${b.id}`).set(a).send({ name: 'Stolen' }),
      request(http()).post(`/api/v1/buildings/${b.id}/archive`).set(a),
      request(http()).delete(`/api/v1/buildings/${b.id}`).set(a),
      request(http()).get(`/api/v1/units/${u.id}`).set(a),
      request(http()).patch(`/api/v1/units/${u.id}`).set(a).send({ number: '8' }),
      request(http()).delete(`/api/v1/units/${u.id}`).set(a),
      request(http()).post('/api/v1/units').set(a).send({ buildingId: b.id, number: '99' }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    const list = await request(http()).get(`/api/v1/units?buildingId=${b.id}`).set(a).expect(200);
    expect(list.body.total).toBe(0);
    const audit = await request(http()).get(`/api/v1/audit-logs?entityId=${b.id}`).set(a).expect(200);
    expect(audit.body.total).toBe(0);

    const still = await request(http())
      .get(`/api/v1/buildings/${b.id}`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    expect(still.body).toMatchObject({ name: 'Beta House', archivedAt: null, unitCount: 1 });
    const unit = await request(http()).get(`/api/v1/units/${u.id}`).set(bearer(orgB.adminToken)).expect(200);
    expect(unit.body.number).toBe('7');
  });

  it('creates each unit number once under concurrent requests', async () => {
    const b = await createBuilding(orgA.adminToken);
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        request(http())
          .post('/api/v1/units')
          .set(bearer(orgA.adminToken))
          .send({ buildingId: b.id, number: 'RACE' }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const audit = await request(http())
      .get(`/api/v1/audit-logs?entityType=unit&limit=100`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    const created = attempts.find((r) => r.status === 201)?.body.id;
    expect(audit.body.items.filter((e: { entityId: string }) => e.entityId === created)).toHaveLength(1);
  });
});
