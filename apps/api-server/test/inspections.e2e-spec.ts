import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';

describe('inspections', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let buildingId: string;
  let unitId: string;

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'insp'), 'Inspect Org');
    other = await createOrganization(
      http(),
      await registerAndLogin(http(), 'insp-other'),
      'Other Inspect Org',
    );
    buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'I', addressLine: 'I 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    unitId = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number: '1' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => server.close());

  const inspection = {
    inspectedOn: '2026-11-20',
    summary: 'Good overall',
    items: [
      { area: 'Staircase', rating: 3, notes: 'Paint peeling' },
      { area: 'Roof', rating: 5 },
    ],
  };

  it('records an inspection with ordered, rated items and an average; the inspector is the caller', async () => {
    const tech = await registerAndLogin(http(), 'insp-tech');
    await addMember(http(), org.adminToken, org.id, tech.email, 'technical_manager');
    const techToken = (await login(http(), tech.email, undefined, org.id)).accessToken;
    const created = await request(http())
      .post('/api/v1/inspections')
      .set(bearer(techToken))
      .send({ ...inspection, buildingId, unitId })
      .expect(201);
    expect(created.body).toMatchObject({
      inspectorUserId: tech.id,
      averageRating: 4,
      unitId,
      items: [
        { area: 'Staircase', rating: 3, notes: 'Paint peeling' },
        { area: 'Roof', rating: 5, notes: null },
      ],
    });
    const list = await request(http())
      .get(`/api/v1/inspections?buildingId=${buildingId}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    await request(http())
      .get(`/api/v1/inspections/${created.body.id}`)
      .set(bearer(other.adminToken))
      .expect(404);
  });

  it('validates items and dates and writes nothing on failure', async () => {
    const bad = await request(http())
      .post('/api/v1/inspections')
      .set(bearer(org.adminToken))
      .send({ buildingId, inspectedOn: '2026-11-20', items: [{ area: 'Roof', rating: 7 }, { rating: 3 }] })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['items.0.rating', 'items.1.area']),
    );
    await request(http())
      .post('/api/v1/inspections')
      .set(bearer(org.adminToken))
      .send({ ...inspection, buildingId, items: [] })
      .expect(400);
    const future = new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10);
    await request(http())
      .post('/api/v1/inspections')
      .set(bearer(org.adminToken))
      .send({ ...inspection, buildingId, inspectedOn: future })
      .expect(422);
    await request(http())
      .post('/api/v1/inspections')
      .set(bearer(other.adminToken))
      .send({ ...inspection, buildingId })
      .expect(404);
    const all = await request(http()).get('/api/v1/inspections').set(bearer(other.adminToken)).expect(200);
    expect(all.body.total).toBe(0);
  });
});
