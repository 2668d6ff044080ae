import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';

describe('people and leases', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let unitId: string;
  let tenantId: string;

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'lessor'), 'Lessor');
    other = await createOrganization(http(), await registerAndLogin(http(), 'other-lessor'), 'Other');
    const b = await request(http())
      .post('/api/v1/buildings')
      .set(bearer(org.adminToken))
      .send({ name: 'Rent House', addressLine: 'Main 1', city: 'Brno', postalCode: '602 00', country: 'CZ' })
      .expect(201);
    unitId = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId: b.body.id, number: '1' })
        .expect(201)
    ).body.id;
    tenantId = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'Jana', lastName: 'Nováková', email: 'jana@example.com' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => server.close());

  const lease = (overrides: Record<string, unknown> = {}) => ({
    unitId,
    primaryTenantId: tenantId,
    leaseNumber: `L-${Math.random().toString(36).slice(2, 8)}`,
    startDate: '2027-01-01',
    endDate: '2027-12-31',
    rentAmount: 1850000,
    depositAmount: 3700000,
    currency: 'czk',
    paymentDay: 15,
    ...overrides,
  });
  const draft = async (overrides: Record<string, unknown> = {}) =>
    (
      await request(http())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send(lease(overrides))
        .expect(201)
    ).body as { id: string; leaseNumber: string };

  it('manages people with search and refuses invalid contact data', async () => {
    const found = await request(http()).get('/api/v1/people?q=nov').set(bearer(org.adminToken)).expect(200);
    expect(found.body.items.map((p: { id: string }) => p.id)).toContain(tenantId);
    const bad = await request(http())
      .post('/api/v1/people')
      .set(bearer(org.adminToken))
      .send({ firstName: '', lastName: 'X', email: 'no', phone: 'abc' })
      .expect(400);
    expect([...new Set(bad.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'email',
      'firstName',
      'phone',
    ]);
    await request(http()).get(`/api/v1/people/${tenantId}`).set(bearer(other.adminToken)).expect(404);
  });

  it('drafts a lease with money in minor units, activates it, and emits lease.activated in the same transaction', async () => {
    const created = await draft();
    const body = (
      await request(http()).get(`/api/v1/leases/${created.id}`).set(bearer(org.adminToken)).expect(200)
    ).body;
    expect(body).toMatchObject({
      status: 'draft',
      currency: 'CZK',
      rentAmount: 1850000,
      startDate: '2027-01-01',
      version: 1,
    });

    const active = await request(http())
      .post(`/api/v1/leases/${created.id}/activate`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(active.body).toMatchObject({ status: 'active', version: 2 });
    const events = await asOwner(server, (db) =>
      db.query(`SELECT type, aggregate_version, payload FROM outbox WHERE aggregate_id = $1`, [created.id]),
    );
    expect(events.rows).toEqual([
      {
        type: 'lease.activated',
        aggregate_version: 2,
        payload: { leaseId: created.id, unitId, startDate: '2027-01-01', endDate: '2027-12-31' },
      },
    ]);

    const again = await request(http())
      .post(`/api/v1/leases/${created.id}/activate`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
    const edit = await request(http())
      .patch(`/api/v1/leases/${created.id}`)
      .set(bearer(org.adminToken))
      .send({ rentAmount: 1 })
      .expect(409);
    expect(edit.body.error.code).toBe('LEASE_NOT_DRAFT');

    const terminated = await request(http())
      .post(`/api/v1/leases/${created.id}/terminate`)
      .set(bearer(org.adminToken))
      .send({ endDate: '2027-06-30' })
      .expect(200);
    expect(terminated.body).toMatchObject({
      status: 'terminated',
      endDate: '2027-06-30',
      terminatedAt: '2027-06-30',
    });
    const audit = await request(http())
      .get(`/api/v1/audit-logs?entityType=lease&entityId=${created.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'lease.terminated',
      'lease.activated',
      'lease.created',
    ]);
  });

  it('refuses a second active lease overlapping on the same unit — also when activated concurrently', async () => {
    const unit = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({
          buildingId: (await request(http()).get(`/api/v1/units/${unitId}`).set(bearer(org.adminToken))).body
            .buildingId,
          number: `C-${Date.now()}`,
        })
        .expect(201)
    ).body.id;
    const a = await draft({ unitId: unit, startDate: '2028-01-01', endDate: '2028-12-31' });
    const b = await draft({ unitId: unit, startDate: '2028-06-01', endDate: undefined });
    const c = await draft({ unitId: unit, startDate: '2029-01-01', endDate: '2029-12-31' });

    const results = await Promise.all(
      [a, b].map((l) => request(http()).post(`/api/v1/leases/${l.id}/activate`).set(bearer(org.adminToken))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)?.body.error.code).toBe('LEASE_OVERLAP');
    const events = await asOwner(server, (db) =>
      db.query(`SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = ANY($1)`, [[a.id, b.id]]),
    );
    expect(events.rows[0].n).toBe(1);

    // A lease after the first one ends is fine only when no open-ended lease won.
    const winner = results.find((r) => r.status === 200)?.body.id;
    const next = await request(http()).post(`/api/v1/leases/${c.id}/activate`).set(bearer(org.adminToken));
    expect(next.status).toBe(winner === a.id ? 200 : 409);
  });

  it('validates dates, currency and references; numbers are unique per organisation', async () => {
    const bad = await request(http())
      .post('/api/v1/leases')
      .set(bearer(org.adminToken))
      .send(lease({ startDate: '2027-13-01', currency: 'EURO', paymentDay: 31, rentAmount: 12.5 }))
      .expect(400);
    expect([...new Set(bad.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'currency',
      'paymentDay',
      'rentAmount',
      'startDate',
    ]);
    const backwards = await request(http())
      .post('/api/v1/leases')
      .set(bearer(org.adminToken))
      .send(lease({ startDate: '2027-05-01', endDate: '2027-04-01' }))
      .expect(422);
    expect(backwards.body.error.code).toBe('INVALID_DATES');
    const first = await draft();
    const dup = await request(http())
      .post('/api/v1/leases')
      .set(bearer(org.adminToken))
      .send(lease({ leaseNumber: first.leaseNumber }))
      .expect(409);
    expect(dup.body.error.code).toBe('LEASE_NUMBER_TAKEN');
    const foreignTenant = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(other.adminToken))
        .send({ firstName: 'Cizí', lastName: 'Osoba' })
        .expect(201)
    ).body.id;
    const cross = await request(http())
      .post('/api/v1/leases')
      .set(bearer(org.adminToken))
      .send(lease({ primaryTenantId: foreignTenant }))
      .expect(404);
    expect(cross.body.error.code).toBe('PERSON_NOT_FOUND');
    await request(http()).post('/api/v1/leases').set(bearer(other.adminToken)).send(lease()).expect(404);
  });

  it('lists leases ending within 30/60/90 days', async () => {
    const iso = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
    const building = (await request(http()).get(`/api/v1/units/${unitId}`).set(bearer(org.adminToken))).body
      .buildingId;
    const mk = async (endInDays: number) => {
      const u = (
        await request(http())
          .post('/api/v1/units')
          .set(bearer(org.adminToken))
          .send({ buildingId: building, number: `E-${endInDays}-${Date.now()}` })
          .expect(201)
      ).body.id;
      const l = await draft({ unitId: u, startDate: iso(-300), endDate: iso(endInDays) });
      await request(http()).post(`/api/v1/leases/${l.id}/activate`).set(bearer(org.adminToken)).expect(200);
      return l.id;
    };
    const soon = await mk(20);
    const later = await mk(75);
    const within30 = await request(http())
      .get('/api/v1/leases?expiringWithinDays=30')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(within30.body.items.map((l: { id: string }) => l.id)).toEqual([soon]);
    const within90 = await request(http())
      .get('/api/v1/leases?expiringWithinDays=90&sort=endDate')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(within90.body.items.map((l: { id: string }) => l.id)).toEqual([soon, later]);
    await request(http()).get('/api/v1/leases?expiringWithinDays=45').set(bearer(org.adminToken)).expect(400);
  });

  it('refuses to delete a person who is a lease tenant', async () => {
    const res = await request(http())
      .delete(`/api/v1/people/${tenantId}`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(res.body.error.code).toBe('PERSON_HAS_LEASES');
  });

  it('refuses to delete a unit or building other records still refer to, with 409 and nothing changed', async () => {
    const unit = await request(http())
      .delete(`/api/v1/units/${unitId}`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(unit.body.error.code).toBe('UNIT_IN_USE');
    await request(http()).get(`/api/v1/units/${unitId}`).set(bearer(org.adminToken)).expect(200);

    const building = await request(http())
      .post('/api/v1/buildings')
      .set(bearer(org.adminToken))
      .send({ name: 'Faulty', addressLine: 'Vadná 1', city: 'Brno', postalCode: '602 00', country: 'CZ' })
      .expect(201);
    await request(http())
      .post('/api/v1/faults')
      .set(bearer(org.adminToken))
      .send({
        buildingId: building.body.id,
        title: 'Broken door',
        description: 'Entrance',
        category: 'common_area',
      })
      .expect(201);
    const refused = await request(http())
      .delete(`/api/v1/buildings/${building.body.id}`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(refused.body.error.code).toBe('BUILDING_IN_USE');
    await request(http())
      .get(`/api/v1/buildings/${building.body.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
  });

  it('keeps a unit held by a terminated lease until the termination takes effect (409 LEASE_OVERLAP before it)', async () => {
    const iso = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
    const building = (await request(http()).get(`/api/v1/units/${unitId}`).set(bearer(org.adminToken))).body
      .buildingId;
    const unit = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId: building, number: `T-${Date.now()}` })
        .expect(201)
    ).body.id;
    const activate = (id: string) =>
      request(http()).post(`/api/v1/leases/${id}/activate`).set(bearer(org.adminToken));
    const current = await draft({ unitId: unit, startDate: iso(-100), endDate: iso(300) });
    await activate(current.id).expect(200);
    // Notice given today, effective in 60 days: the tenant lives there until then.
    const terminate = (endDate: string) =>
      request(http())
        .post(`/api/v1/leases/${current.id}/terminate`)
        .set(bearer(org.adminToken))
        .send({ endDate });
    expect((await terminate(iso(400)).expect(422)).body.error.code).toBe('INVALID_DATES');
    await terminate(iso(60)).expect(200);

    const tooEarly = await draft({ unitId: unit, startDate: iso(30), endDate: iso(400) });
    const refused = await activate(tooEarly.id).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'LEASE_OVERLAP', requestId: expect.any(String) });
    const still = await request(http()).get(`/api/v1/leases/${tooEarly.id}`).set(bearer(org.adminToken));
    expect(still.body.status).toBe('draft');

    // Nor can an active lease be stretched over those days by an addendum.
    const after = await draft({ unitId: unit, startDate: iso(61), endDate: iso(400) });
    await activate(after.id).expect(200);
    const before = await draft({ unitId: unit, startDate: iso(-400), endDate: iso(-200) });
    await activate(before.id).expect(200);
    const stretch = await request(http())
      .post(`/api/v1/leases/${before.id}/addenda`)
      .set(bearer(org.adminToken))
      .send({ effectiveFrom: iso(-300), description: 'Extended', endDate: iso(10) })
      .expect(409);
    expect(stretch.body.error.code).toBe('LEASE_OVERLAP');

    // Until it ends, the terminated lease is among the leases ending soon.
    const ending = await request(http())
      .get(`/api/v1/leases?expiringWithinDays=90&unitId=${unit}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(ending.body.items.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual([
      [current.id, 'terminated'],
    ]);
  });
});
