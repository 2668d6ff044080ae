import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

describe('faults and vendors', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let buildingId: string;
  let unitId: string;
  let techId: string;
  let techToken: string;
  let residentToken: string;
  let neighbourToken: string;
  let realtorToken: string;

  const member = async (label: string, role: 'technical_manager' | 'tenant' | 'owner' | 'realtor') => {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, role);
    return { id: user.id, token: (await login(http(), user.email, undefined, org.id)).accessToken };
  };
  /** Links the account to a person who owns or rents the unit from `startsOn` (to `endsOn`). */
  const occupy = async (userId: string, unit: string, relation: 'tenant' | 'owner', endsOn?: string) => {
    const person = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'R', lastName: relation, userId })
        .expect(201)
    ).body.id;
    await request(http())
      .post(`/api/v1/units/${unit}/occupants`)
      .set(bearer(org.adminToken))
      .send({ personId: person, relation, startsOn: '2025-01-01', ...(endsOn ? { endsOn } : {}) })
      .expect(201);
  };

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'fm'), 'Fault Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'fm-other'), 'Other Org');
    buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'F House', addressLine: 'A 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    unitId = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number: '12' })
        .expect(201)
    ).body.id;
    ({ id: techId, token: techToken } = await member('tech', 'technical_manager'));
    const resident = await member('resident', 'tenant');
    residentToken = resident.token;
    await occupy(resident.id, unitId, 'tenant');
    const neighbour = await member('neighbour', 'owner');
    neighbourToken = neighbour.token;
    await occupy(neighbour.id, unitId, 'owner');
    realtorToken = (await member('realtor', 'realtor')).token;
  });
  afterAll(() => server.close());

  const report = (token: string, overrides: Record<string, unknown> = {}) =>
    request(http())
      .post('/api/v1/faults')
      .set(bearer(token))
      .send({
        buildingId,
        unitId,
        title: 'Leaking sink',
        description: 'Water under the sink',
        category: 'plumbing',
        ...overrides,
      });

  it('lets a resident report a fault with an SLA due date, and emits fault.created', async () => {
    const before = Date.now();
    const res = await report(residentToken, { priority: 'urgent' }).expect(201);
    expect(res.body).toMatchObject({
      status: 'new',
      priority: 'urgent',
      category: 'plumbing',
      unitId,
      overdue: false,
    });
    const due = new Date(res.body.dueAt).getTime();
    expect(due - before).toBeGreaterThanOrEqual(24 * 3600_000 - 5000);
    expect(due - before).toBeLessThanOrEqual(24 * 3600_000 + 5000);
    const events = await asOwner(server, (db) =>
      db.query(`SELECT type FROM outbox WHERE aggregate_id = $1`, [res.body.id]),
    );
    expect(events.rows).toEqual([{ type: 'fault.created' }]);
  });

  it('runs a fault through the status flow with history, refuses skipped steps, and lets staff assign it', async () => {
    const fault = (await report(residentToken).expect(201)).body;
    const vendor = (
      await request(http())
        .post('/api/v1/vendors')
        .set(bearer(techToken))
        .send({ name: 'Novák Plumbing', trade: 'plumbing' })
        .expect(201)
    ).body;

    const skip = await request(http())
      .post(`/api/v1/faults/${fault.id}/status`)
      .set(bearer(techToken))
      .send({ status: 'resolved' })
      .expect(409);
    expect(skip.body.error.code).toBe('INVALID_TRANSITION');

    await request(http())
      .patch(`/api/v1/faults/${fault.id}`)
      .set(bearer(techToken))
      .send({ assigneeUserId: techId, vendorId: vendor.id, priority: 'high' })
      .expect(200);
    for (const status of ['triaged', 'in_progress', 'resolved', 'in_progress', 'resolved', 'closed']) {
      await request(http())
        .post(`/api/v1/faults/${fault.id}/status`)
        .set(bearer(techToken))
        .send({ status, note: `to ${status}` })
        .expect(200);
    }
    const final = await request(http())
      .get(`/api/v1/faults/${fault.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(final.body).toMatchObject({
      status: 'closed',
      assigneeUserId: techId,
      vendorId: vendor.id,
      priority: 'high',
    });
    expect(final.body.closedAt).not.toBeNull();
    expect(final.body.statusHistory.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'new',
      'triaged',
      'in_progress',
      'resolved',
      'in_progress',
      'resolved',
      'closed',
    ]);
    expect(final.body.statusHistory[1]).toMatchObject({
      fromStatus: 'new',
      changedByUserId: techId,
      note: 'to triaged',
    });
    await request(http())
      .post(`/api/v1/faults/${fault.id}/status`)
      .set(bearer(techToken))
      .send({ status: 'in_progress' })
      .expect(409);

    const events = await asOwner(server, (db) =>
      db.query(
        `SELECT type, aggregate_version FROM outbox WHERE aggregate_id = $1 ORDER BY aggregate_version`,
        [fault.id],
      ),
    );
    expect(events.rows.filter((e) => e.type === 'fault.status_changed')).toHaveLength(6);
    const versions = events.rows.map((e) => e.aggregate_version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('keeps residents to their own faults: they see and comment on theirs, never change status', async () => {
    const mine = (await report(residentToken, { title: 'Mine' }).expect(201)).body;
    const theirs = (await report(neighbourToken, { title: 'Theirs' }).expect(201)).body;

    const list = await request(http()).get('/api/v1/faults?limit=100').set(bearer(residentToken)).expect(200);
    const ids = list.body.items.map((f: { id: string }) => f.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    await request(http()).get(`/api/v1/faults/${theirs.id}`).set(bearer(residentToken)).expect(404);
    await request(http())
      .post(`/api/v1/faults/${theirs.id}/comments`)
      .set(bearer(residentToken))
      .send({ body: 'nosy' })
      .expect(404);

    await request(http())
      .post(`/api/v1/faults/${mine.id}/comments`)
      .set(bearer(residentToken))
      .send({ body: 'Still leaking' })
      .expect(201);
    await request(http())
      .post(`/api/v1/faults/${mine.id}/comments`)
      .set(bearer(techToken))
      .send({ body: 'Coming tomorrow' })
      .expect(201);
    const comments = await request(http())
      .get(`/api/v1/faults/${mine.id}/comments`)
      .set(bearer(residentToken))
      .expect(200);
    expect(comments.body.items.map((c: { body: string }) => c.body)).toEqual([
      'Still leaking',
      'Coming tomorrow',
    ]);
    // Paged like every list, and each comment is in the fault's audit trail.
    const second = await request(http())
      .get(`/api/v1/faults/${mine.id}/comments?limit=1&offset=1`)
      .set(bearer(residentToken))
      .expect(200);
    expect(second.body).toMatchObject({
      total: 2,
      limit: 1,
      offset: 1,
      items: [{ body: 'Coming tomorrow' }],
    });
    const trail = await request(http())
      .get(`/api/v1/audit-logs?entityType=fault&entityId=${mine.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(
      trail.body.items
        .filter((e: { action: string }) => e.action === 'fault.commented')
        .map((e: { details: { changes: { body: { after: string } } } }) => e.details.changes.body.after)
        .sort(),
    ).toEqual(['Coming tomorrow', 'Still leaking']);

    const denied = await request(http())
      .post(`/api/v1/faults/${mine.id}/status`)
      .set(bearer(residentToken))
      .send({ status: 'triaged' })
      .expect(403);
    expect(denied.body.error.code).toBe('STAFF_ONLY');
    await request(http())
      .patch(`/api/v1/faults/${mine.id}`)
      .set(bearer(residentToken))
      .send({ priority: 'urgent' })
      .expect(403);
    await request(http()).get('/api/v1/faults').set(bearer(realtorToken)).expect(403);
    await request(http()).get('/api/v1/vendors').set(bearer(residentToken)).expect(403);
  });

  it('filters by status, priority and overdue, and sorts by priority', async () => {
    const low = (await report(techToken, { title: 'Low one', priority: 'low' }).expect(201)).body;
    const urgent = (await report(techToken, { title: 'Urgent one', priority: 'urgent' }).expect(201)).body;
    await asOwner(server, (db) =>
      db.query(`UPDATE faults SET due_at = now() - interval '1 hour' WHERE id = $1`, [urgent.id]),
    );

    const overdue = await request(http())
      .get('/api/v1/faults?overdue=true&limit=100')
      .set(bearer(techToken))
      .expect(200);
    expect(overdue.body.items.map((f: { id: string }) => f.id)).toEqual([urgent.id]);
    expect(overdue.body.items[0].overdue).toBe(true);
    const byPriority = await request(http())
      .get('/api/v1/faults?q=one&sort=-priority')
      .set(bearer(techToken))
      .expect(200);
    expect(byPriority.body.items.map((f: { id: string }) => f.id)).toEqual([urgent.id, low.id]);
    const lows = await request(http())
      .get('/api/v1/faults?priority=low&status=new')
      .set(bearer(techToken))
      .expect(200);
    expect(lows.body.items.map((f: { id: string }) => f.id)).toContain(low.id);
    await request(http()).get('/api/v1/faults?priority=extreme').set(bearer(techToken)).expect(400);
  });

  it("validates references: unit of another building, another organisation's ids, non-staff assignee", async () => {
    const otherBuilding = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'G', addressLine: 'B 2', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    const wrongUnit = await report(techToken, { buildingId: otherBuilding }).expect(404);
    expect(wrongUnit.body.error.code).toBe('UNIT_NOT_FOUND');
    await report(other.adminToken).expect(404);

    const fault = (await report(techToken).expect(201)).body;
    const resident = await registerAndLogin(http(), 'not-staff');
    await addMember(http(), org.adminToken, org.id, resident.email, 'tenant');
    const assign = await request(http())
      .patch(`/api/v1/faults/${fault.id}`)
      .set(bearer(techToken))
      .send({ assigneeUserId: resident.id })
      .expect(422);
    expect(assign.body.error.code).toBe('ASSIGNEE_NOT_STAFF');

    const foreign = await Promise.all([
      request(http()).get(`/api/v1/faults/${fault.id}`).set(bearer(other.adminToken)),
      request(http())
        .post(`/api/v1/faults/${fault.id}/status`)
        .set(bearer(other.adminToken))
        .send({ status: 'triaged' }),
      request(http())
        .patch(`/api/v1/faults/${fault.id}`)
        .set(bearer(other.adminToken))
        .send({ title: 'hijack' }),
    ]);
    expect(foreign.map((r) => r.status)).toEqual([404, 404, 404]);
    const still = await request(http()).get(`/api/v1/faults/${fault.id}`).set(bearer(techToken)).expect(200);
    expect(still.body).toMatchObject({ status: 'new', title: 'Leaking sink' });
  });

  it("lets residents report faults only where they live: their unit or their building's common areas (others 404)", async () => {
    const nextDoor = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number: '13' })
        .expect(201)
    ).body.id;
    const elsewhere = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'Far', addressLine: 'C 3', city: 'Brno', postalCode: '602 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    const elsewhereUnit = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId: elsewhere, number: '1' })
        .expect(201)
    ).body.id;
    const countFaults = async () =>
      (
        await asOwner(server, (db) =>
          db.query(`SELECT count(*)::int AS n FROM faults WHERE organization_id = $1`, [org.id]),
        )
      ).rows[0].n as number;
    const before = await countFaults();

    const notMyFlat = await report(residentToken, { unitId: nextDoor }).expect(404);
    expect(notMyFlat.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', requestId: expect.any(String) });
    const notMyBuilding = await report(residentToken, { buildingId: elsewhere, unitId: undefined }).expect(
      404,
    );
    expect(notMyBuilding.body.error.code).toBe('BUILDING_NOT_FOUND');
    await report(residentToken, { buildingId: elsewhere, unitId: elsewhereUnit }).expect(404);

    // No occupancy at all, or one that has ended: nowhere to report.
    const unlinked = await member('unlinked-tenant', 'tenant');
    await report(unlinked.token).expect(404);
    await report(unlinked.token, { unitId: undefined }).expect(404);
    const movedOut = await member('moved-out', 'owner');
    await occupy(movedOut.id, unitId, 'owner', '2025-06-30');
    await report(movedOut.token).expect(404);
    expect(await countFaults()).toBe(before);

    // Their own flat and the common areas of their building are fine; staff report anywhere.
    await report(residentToken).expect(201);
    const stairs = await report(residentToken, { unitId: undefined, title: 'Staircase light' }).expect(201);
    expect(stairs.body).toMatchObject({ buildingId, unitId: null });
    await report(techToken, { buildingId: elsewhere, unitId: elsewhereUnit }).expect(201);
  });
});
