import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

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

  it('records readings, refuses a lower one unless flagged as a replacement, and shows the last reading', async () => {
    const meter = await newMeter();
    await read(meter.id, { value: 100.5, readOn: '2026-01-01' }).expect(201);
    await read(meter.id, { value: 120.25, readOn: '2026-06-01' }).expect(201);
    const lower = await read(meter.id, { value: 90, readOn: '2026-07-01' }).expect(422);
    expect(lower.body.error.code).toBe('READING_LOWER_THAN_PREVIOUS');
    expect(lower.body.error.message).toContain('120.25');
    const replaced = await read(meter.id, { value: 3, readOn: '2026-07-01', isReplacement: true }).expect(
      201,
    );
    expect(replaced.body).toMatchObject({ value: 3, isReplacement: true });
    await read(meter.id, { value: 4.5, readOn: '2026-08-01' }).expect(201);

    const got = await request(http())
      .get(`/api/v1/meters/${meter.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(got.body.lastReading).toMatchObject({ value: 4.5, readOn: '2026-08-01' });
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

  it('holds the rule under concurrent submissions', async () => {
    const meter = await newMeter();
    await read(meter.id, { value: 50, readOn: '2026-01-01' }).expect(201);
    const results = await Promise.all([
      read(meter.id, { value: 80, readOn: '2026-02-01' }),
      read(meter.id, { value: 60, readOn: '2026-02-01' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // Whichever commits first wins; 60 after 80 is refused, 80 after 60 is fine.
    expect(statuses.every((s) => s === 201 || s === 422)).toBe(true);
    const values = (
      await request(http()).get(`/api/v1/meters/${meter.id}/readings`).set(bearer(org.adminToken)).expect(200)
    ).body.items.map((r: { value: number }) => r.value);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
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
        .send({ name: 'Water 2026', startsOn: '2026-03-01', deadline: '2026-03-31' })
        .expect(201)
    ).body;
    expect(
      (await read(meter.id, { value: 10, readOn: '2026-04-02', periodId: period.id }).expect(422)).body.error
        .code,
    ).toBe('READING_OUTSIDE_PERIOD');
    await read(meter.id, { value: 10, readOn: '2026-03-15', periodId: period.id }).expect(201);
    const periods = await request(http())
      .get('/api/v1/reading-periods')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(periods.body.items.map((p: { name: string }) => p.name)).toContain('Water 2026');
    expect(periods.body).toMatchObject({ limit: 20, offset: 0 });
    const audited = await request(http())
      .get(`/api/v1/audit-logs?entityType=reading_period&entityId=${period.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(audited.body.items).toMatchObject([
      {
        action: 'reading_period.created',
        details: {
          changes: { name: { before: null, after: 'Water 2026' }, deadline: { after: '2026-03-31' } },
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
