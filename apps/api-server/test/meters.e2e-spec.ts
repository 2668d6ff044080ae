import { Client } from 'pg';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

const isoDay = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

async function waitUntil(condition: () => Promise<boolean>, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition never held');
}

describe('meters and readings', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let unitId: string;
  let tenantToken: string;
  let serial = 0;

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'meter-admin'), 'Meter Org');
    other = await createOrganization(
      http(),
      await registerAndLogin(http(), 'meter-other'),
      'Other Meter Org',
    );
    const buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'M', addressLine: 'M 1', city: 'Brno', postalCode: '602 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    unitId = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number: '3' })
        .expect(201)
    ).body.id;
    const tenant = await registerAndLogin(http(), 'meter-tenant');
    await addMember(http(), org.adminToken, org.id, tenant.email, 'tenant');
    tenantToken = (await login(http(), tenant.email, undefined, org.id)).accessToken;
  });
  afterAll(() => server.close());

  const newMeter = async () =>
    (
      await request(http())
        .post('/api/v1/meters')
        .set(bearer(org.adminToken))
        .send({ unitId, type: 'water_cold', serialNumber: `WC-${++serial}-${Date.now()}` })
        .expect(201)
    ).body as { id: string; serialNumber: string };
  const read = (meterId: string, body: Record<string, unknown>) =>
    request(http()).post(`/api/v1/meters/${meterId}/readings`).set(bearer(org.adminToken)).send(body);

  it('records readings, refuses a lower one unless staff flag a replacement (new serial recorded), and shows the last reading', async () => {
    const meter = await newMeter();
    await read(meter.id, { value: 100.5, readOn: '2026-01-01' }).expect(201);
    await read(meter.id, { value: 120.25, readOn: '2026-06-01' }).expect(201);
    const lower = await read(meter.id, { value: 90, readOn: '2026-07-01' }).expect(422);
    expect(lower.body.error.code).toBe('READING_LOWER_THAN_PREVIOUS');
    expect(lower.body.error.message).toContain('120.25');
    // A replacement names the new meter; without the serial it is a validation error.
    await read(meter.id, { value: 3, readOn: '2026-07-01', isReplacement: true }).expect(400);
    const stray = await read(meter.id, { value: 130, readOn: '2026-07-01', newSerialNumber: 'X' }).expect(
      422,
    );
    expect(stray.body.error.code).toBe('INVALID_REPLACEMENT');
    const replaced = await read(meter.id, {
      value: 3,
      readOn: '2026-07-01',
      isReplacement: true,
      newSerialNumber: `${meter.serialNumber}-NEW`,
    }).expect(201);
    expect(replaced.body).toMatchObject({
      value: 3,
      isReplacement: true,
      newSerialNumber: `${meter.serialNumber}-NEW`,
      oldSerialNumber: meter.serialNumber,
    });
    await read(meter.id, { value: 4.5, readOn: '2026-08-01' }).expect(201);

    const got = await request(http())
      .get(`/api/v1/meters/${meter.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(got.body.lastReading).toMatchObject({ value: 4.5, readOn: '2026-08-01' });
    expect(got.body.serialNumber).toBe(`${meter.serialNumber}-NEW`);
    const all = await request(http())
      .get(`/api/v1/meters/${meter.id}/readings`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(all.body.items.map((r: { value: number }) => r.value)).toEqual([100.5, 120.25, 3, 4.5]);
    const page = await request(http())
      .get(`/api/v1/meters/${meter.id}/readings?limit=2&offset=2`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.body.items.map((r: { value: number }) => r.value)).toEqual([3, 4.5]);
    const events = await asOwner(server, (db) =>
      db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE type = 'meter_reading.submitted' AND payload->>'meterId' = $1`,
        [meter.id],
      ),
    );
    expect(events.rows[0].n).toBe(4);
  });

  /**
   * Forces the interleaving that breaks an unlocked check: an owner session holds SHARE on
   * meter_readings, so each submission can run its checks but blocks at its INSERT. Without the meter
   * row lock both requests check against the same state (only 100), both wait at the INSERT, and both
   * are written once the barrier lifts — 200 on day −1 followed by 150 on day 0, a rollback. With the
   * lock the second request waits for the meter row instead, and checks only after the first commits.
   * The barrier lifts once both requests are waiting on a lock, so the outcome does not depend on timing.
   */
  it('serialises concurrent submissions for one meter (the meter row lock decides, proven with a barrier)', async () => {
    const meter = await newMeter();
    await read(meter.id, { value: 100, readOn: isoDay(-2) }).expect(201);

    const barrier = new Client({ connectionString: server.db.ownerUrl });
    await barrier.connect();
    let results: request.Response[];
    try {
      await barrier.query('BEGIN');
      await barrier.query('LOCK TABLE meter_readings IN SHARE MODE');
      const pending = Promise.all([
        read(meter.id, { value: 200, readOn: isoDay(-1) }).then((r) => r),
        read(meter.id, { value: 150, readOn: isoDay(0) }).then((r) => r),
      ]);
      await waitUntil(async () => {
        // pg_locks is readable by every role (pg_stat_activity hides other roles' wait events).
        const waiting = await barrier.query(
          `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l
             JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database()`,
        );
        return waiting.rows[0].n === 2;
      });
      await barrier.query('COMMIT');
      results = await pending;
    } finally {
      await barrier.end();
    }

    // Whichever went first wins; the other now has a neighbour that refuses it.
    expect(results.map((r) => r.status).sort()).toEqual([201, expect.any(Number)]);
    const refused = results.find((r) => r.status !== 201) as request.Response;
    expect(['READING_LOWER_THAN_PREVIOUS', 'READING_OUT_OF_ORDER']).toContain(refused.body.error.code);
    const values = (
      await request(http()).get(`/api/v1/meters/${meter.id}/readings`).set(bearer(org.adminToken)).expect(200)
    ).body.items.map((r: { value: number }) => r.value);
    expect(values).toHaveLength(2);
    expect(values[1]).toBeGreaterThanOrEqual(values[0]);
  });

  it('keeps a back-dated reading between its neighbours by date (409 READING_OUT_OF_ORDER)', async () => {
    const meter = await newMeter();
    await read(meter.id, { value: 100, readOn: '2026-01-01' }).expect(201);
    await read(meter.id, { value: 200, readOn: '2026-03-01' }).expect(201);
    const above = await read(meter.id, { value: 300, readOn: '2026-02-01' }).expect(409);
    expect(above.body.error).toMatchObject({ code: 'READING_OUT_OF_ORDER', requestId: expect.any(String) });
    expect(above.body.error.message).toContain('200');
    const below = await read(meter.id, { value: 50, readOn: '2026-02-01' }).expect(409);
    expect(below.body.error.code).toBe('READING_OUT_OF_ORDER');
    // A replacement is only ever the newest reading.
    const oldReplacement = await read(meter.id, {
      value: 1,
      readOn: '2026-02-01',
      isReplacement: true,
      newSerialNumber: `${meter.serialNumber}-B`,
    }).expect(409);
    expect(oldReplacement.body.error.code).toBe('READING_OUT_OF_ORDER');
    await read(meter.id, { value: 150, readOn: '2026-02-01' }).expect(201);
    // Before a replacement, a reading belongs to the old meter: the new meter's start sets no bound.
    await read(meter.id, {
      value: 5,
      readOn: '2026-05-01',
      isReplacement: true,
      newSerialNumber: `${meter.serialNumber}-C`,
    }).expect(201);
    await read(meter.id, { value: 260, readOn: '2026-04-01' }).expect(201);
    await read(meter.id, { value: 4, readOn: '2026-06-01' }).expect(422);

    const values = (
      await request(http()).get(`/api/v1/meters/${meter.id}/readings`).set(bearer(org.adminToken)).expect(200)
    ).body.items.map((r: { value: number; readOn: string }) => [r.readOn, r.value]);
    expect(values).toEqual([
      ['2026-01-01', 100],
      ['2026-02-01', 150],
      ['2026-03-01', 200],
      ['2026-04-01', 260],
      ['2026-05-01', 5],
    ]);
  });

  it('lets only staff flag a replacement (403 REPLACEMENT_STAFF_ONLY); the resident of the unit submits ordinary readings', async () => {
    const meter = await newMeter();
    const resident = await registerAndLogin(http(), 'meter-resident');
    await addMember(http(), org.adminToken, org.id, resident.email, 'tenant');
    const person = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'Rita', lastName: 'Reader', userId: resident.id })
        .expect(201)
    ).body.id;
    await request(http())
      .post(`/api/v1/units/${unitId}/occupants`)
      .set(bearer(org.adminToken))
      .send({ personId: person, relation: 'tenant', startsOn: '2025-01-01' })
      .expect(201);
    const residentToken = (await login(http(), resident.email, undefined, org.id)).accessToken;
    const asResident = (body: Record<string, unknown>) =>
      request(http()).post(`/api/v1/meters/${meter.id}/readings`).set(bearer(residentToken)).send(body);

    await asResident({ value: 40, readOn: '2026-01-01' }).expect(201);
    const refused = await asResident({
      value: 0,
      readOn: '2026-02-01',
      isReplacement: true,
      newSerialNumber: 'FORGED-1',
    }).expect(403);
    expect(refused.body.error.code).toBe('REPLACEMENT_STAFF_ONLY');
    const after = await request(http())
      .get(`/api/v1/meters/${meter.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(after.body).toMatchObject({ serialNumber: meter.serialNumber, lastReading: { value: 40 } });
    const taken = await newMeter();
    const duplicate = await read(meter.id, {
      value: 0,
      readOn: '2026-02-01',
      isReplacement: true,
      newSerialNumber: taken.serialNumber,
    }).expect(409);
    expect(duplicate.body.error.code).toBe('METER_SERIAL_TAKEN');
    const rows = await asOwner(server, (db) =>
      db.query(`SELECT count(*)::int AS n FROM meter_readings WHERE meter_id = $1`, [meter.id]),
    );
    expect(rows.rows[0].n).toBe(1);
  });

  it('validates readings: future dates, precision, periods', async () => {
    const meter = await newMeter();
    const future = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
    expect((await read(meter.id, { value: 1, readOn: future }).expect(422)).body.error.code).toBe(
      'READING_IN_FUTURE',
    );
    await read(meter.id, { value: 1.2345, readOn: '2026-01-01' }).expect(400);
    await read(meter.id, { value: -1, readOn: '2026-01-01' }).expect(400);

    const period = (
      await request(http())
        .post('/api/v1/reading-periods')
        .set(bearer(org.adminToken))
        .send({ name: 'Water now', startsOn: isoDay(-20), deadline: isoDay(10) })
        .expect(201)
    ).body;
    expect(
      (await read(meter.id, { value: 10, readOn: isoDay(-21), periodId: period.id }).expect(422)).body.error
        .code,
    ).toBe('READING_OUTSIDE_PERIOD');
    await read(meter.id, { value: 10, readOn: isoDay(-5), periodId: period.id }).expect(201);
    // The deadline is checked against the day of submission, not the date typed in: a reading sent
    // after the deadline is late even when dated inside the period.
    const closed = (
      await request(http())
        .post('/api/v1/reading-periods')
        .set(bearer(org.adminToken))
        .send({ name: 'Water last month', startsOn: isoDay(-40), deadline: isoDay(-1) })
        .expect(201)
    ).body;
    const late = await read(meter.id, { value: 11, readOn: isoDay(-2), periodId: closed.id }).expect(409);
    expect(late.body.error.code).toBe('READING_PERIOD_CLOSED');
    const periods = await request(http())
      .get('/api/v1/reading-periods')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(periods.body.items.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Water now', 'Water last month']),
    );
    expect(periods.body).toMatchObject({ limit: 20, offset: 0 });
    const audited = await request(http())
      .get(`/api/v1/audit-logs?entityType=reading_period&entityId=${period.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(audited.body.items).toMatchObject([
      {
        action: 'reading_period.created',
        details: {
          changes: { name: { before: null, after: 'Water now' }, deadline: { after: isoDay(10) } },
        },
      },
    ]);
    await request(http())
      .post('/api/v1/reading-periods')
      .set(bearer(org.adminToken))
      .send({ name: 'Bad', startsOn: '2026-03-31', deadline: '2026-03-01' })
      .expect(422);
  });

  it('keeps serial numbers unique, other organisations out, and residents without a unit see no meter', async () => {
    const meter = await newMeter();
    const dup = await request(http())
      .post('/api/v1/meters')
      .set(bearer(org.adminToken))
      .send({ unitId, type: 'gas', serialNumber: meter.serialNumber })
      .expect(409);
    expect(dup.body.error.code).toBe('METER_SERIAL_TAKEN');
    await request(http()).get(`/api/v1/meters/${meter.id}`).set(bearer(other.adminToken)).expect(404);
    await request(http())
      .post(`/api/v1/meters/${meter.id}/readings`)
      .set(bearer(other.adminToken))
      .send({ value: 1, readOn: '2026-01-01' })
      .expect(404);
    await request(http())
      .post('/api/v1/meters')
      .set(bearer(other.adminToken))
      .send({ unitId, type: 'gas', serialNumber: 'X-1' })
      .expect(404);
    const residentView = await request(http()).get('/api/v1/meters').set(bearer(tenantToken)).expect(200);
    expect(residentView.body.total).toBe(0); // no unit of theirs: see residents.e2e-spec
    const list = await request(http())
      .get(`/api/v1/meters?unitId=${unitId}&type=water_cold`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(meter.id);
  });
});
