import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

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

  it('corrects an inspection (items replaced, unit kept in its building) and deletes it with its items, audited', async () => {
    const created = (
      await request(http())
        .post('/api/v1/inspections')
        .set(bearer(org.adminToken))
        .send({ ...inspection, buildingId, unitId })
        .expect(201)
    ).body;
    const patch = (id: string, body: Record<string, unknown>, token = org.adminToken) =>
      request(http()).patch(`/api/v1/inspections/${id}`).set(bearer(token)).send(body);

    const corrected = await patch(created.id, {
      summary: 'Roof needs work',
      items: [{ area: 'Roof', rating: 2, notes: 'Loose tiles' }],
    }).expect(200);
    expect(corrected.body).toMatchObject({
      summary: 'Roof needs work',
      unitId,
      averageRating: 2,
      items: [{ area: 'Roof', rating: 2, notes: 'Loose tiles' }],
    });

    const otherBuilding = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'I2', addressLine: 'I 2', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    // The unit is not in the other building: refused, and nothing of the request is kept.
    const misplaced = await patch(created.id, { buildingId: otherBuilding, unitId, summary: 'x' }).expect(
      404,
    );
    expect(misplaced.body.error.code).toBe('UNIT_NOT_FOUND');
    const future = new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10);
    expect((await patch(created.id, { inspectedOn: future }).expect(422)).body.error.code).toBe(
      'INSPECTION_IN_FUTURE',
    );
    await patch(created.id, { items: [] }).expect(400);
    await patch(created.id, { inspectedOn: null }).expect(400);
    await patch(created.id, { summary: 'theirs' }, other.adminToken).expect(404);
    const unchanged = await request(http())
      .get(`/api/v1/inspections/${created.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(unchanged.body).toMatchObject({ summary: 'Roof needs work', buildingId, unitId });

    // Moving to another building without naming a unit inspects the whole building.
    const moved = await patch(created.id, { buildingId: otherBuilding }).expect(200);
    expect(moved.body).toMatchObject({ buildingId: otherBuilding, unitId: null });

    await request(http())
      .delete(`/api/v1/inspections/${created.id}`)
      .set(bearer(other.adminToken))
      .expect(404);
    await request(http()).delete(`/api/v1/inspections/${created.id}`).set(bearer(org.adminToken)).expect(204);
    await request(http()).get(`/api/v1/inspections/${created.id}`).set(bearer(org.adminToken)).expect(404);
    await request(http()).delete(`/api/v1/inspections/${created.id}`).set(bearer(org.adminToken)).expect(404);
    const left = await asOwner(server, async (db) => ({
      items: (
        await db.query('SELECT count(*)::int AS n FROM inspection_items WHERE inspection_id = $1', [
          created.id,
        ])
      ).rows[0].n,
      audit: (
        await db.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY created_at, action`, [
          created.id,
        ])
      ).rows.map((r: { action: string }) => r.action),
    }));
    expect(left).toEqual({
      items: 0,
      audit: ['inspection.created', 'inspection.updated', 'inspection.updated', 'inspection.deleted'],
    });
  });
});
