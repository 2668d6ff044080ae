import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import request from 'supertest';
import { LeaseLifecycle } from '@ppt/api-property-core';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';

/** The api worker's daily lease job, run against the same database and Redis as the API. */
describe('lease lifecycle job (worker)', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  const http = () => server.app.getHttpServer();
  const iso = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    server = await bootApiServer();
    worker = await createTestWorker(server);
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
  });

  async function activeLease(token: string, endInDays: number, label = ''): Promise<string> {
    const building = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(token))
        .send({ name: 'L', addressLine: 'L 1', city: 'Brno', postalCode: '602 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    const unit = (
      await request(http())
        .post('/api/v1/units')
        .set(bearer(token))
        .send({ buildingId: building, number: `U${endInDays}${label}` })
        .expect(201)
    ).body.id;
    const person = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(token))
        .send({ firstName: 'T', lastName: `Tenant ${endInDays}` })
        .expect(201)
    ).body.id;
    const lease = (
      await request(http())
        .post('/api/v1/leases')
        .set(bearer(token))
        .send({
          unitId: unit,
          primaryTenantId: person,
          leaseNumber: `LC-${endInDays}${label}`,
          startDate: iso(-400),
          endDate: iso(endInDays),
          rentAmount: 100000,
          currency: 'EUR',
          paymentDay: 1,
        })
        .expect(201)
    ).body.id;
    await request(http()).post(`/api/v1/leases/${lease}/activate`).set(bearer(token)).expect(200);
    return lease;
  }

  it('schedules itself once as a repeatable job', async () => {
    const repeatable = await worker.get<Queue>(getQueueToken(QueueName.Maintenance)).getRepeatableJobs();
    expect(repeatable.filter((j) => j.name === MaintenanceJob.LeaseLifecycle).map((j) => j.cron)).toEqual([
      '0 2 * * *',
    ]);
  });

  it('announces leases ending in 30/60/90 days once, and expires leases past their end, across organisations', async () => {
    const a = await createOrganization(http(), await registerAndLogin(http(), 'lc-a'), 'LC A');
    const b = await createOrganization(http(), await registerAndLogin(http(), 'lc-b'), 'LC B');
    const in30 = await activeLease(a.adminToken, 30);
    const in45 = await activeLease(a.adminToken, 45);
    const in90 = await activeLease(b.adminToken, 90);
    const ended = await activeLease(b.adminToken, -1);

    const lifecycle = worker.get(LeaseLifecycle);
    expect(await lifecycle.run(new Date())).toEqual({ endingSoon: 2, expired: 1 });
    expect(await lifecycle.run(new Date())).toEqual({ endingSoon: 0, expired: 0 });

    const events = await asOwner(server, (db) =>
      db.query(
        `SELECT aggregate_id, organization_id, (payload->>'daysLeft')::int AS days FROM outbox WHERE type = 'lease.ending_soon' ORDER BY days`,
      ),
    );
    expect(events.rows).toEqual([
      { aggregate_id: in30, organization_id: a.id, days: 30 },
      { aggregate_id: in90, organization_id: b.id, days: 90 },
    ]);
    const expired = await request(http())
      .get(`/api/v1/leases/${ended}`)
      .set(bearer(b.adminToken))
      .expect(200);
    expect(expired.body.status).toBe('expired');
    const untouched = await request(http())
      .get(`/api/v1/leases/${in45}`)
      .set(bearer(a.adminToken))
      .expect(200);
    expect(untouched.body.status).toBe('active');
  });

  const notices = (leaseId: string) =>
    asOwner(server, async (db) => ({
      events: (
        await db.query(
          `SELECT (payload->>'daysLeft')::int AS days FROM outbox
            WHERE type = 'lease.ending_soon' AND aggregate_id = $1 ORDER BY days DESC`,
          [leaseId],
        )
      ).rows.map((r: { days: number }) => r.days),
      marks: (
        await db.query(
          `SELECT threshold_days AS days FROM lease_ending_notices WHERE lease_id = $1 ORDER BY days DESC`,
          [leaseId],
        )
      ).rows.map((r: { days: number }) => r.days),
    }));
  const daysFromNow = (days: number) => new Date(Date.now() + days * 86400_000);

  it('catches up a missed day: the next pass announces every threshold crossed since the last one', async () => {
    const org = await createOrganization(http(), await registerAndLogin(http(), 'lc-gap'), 'LC Gap');
    // Ends in 59 days: its 60-day threshold was crossed yesterday, a day the worker was down.
    const lease = await activeLease(org.adminToken, 59, '-gap');
    const lifecycle = worker.get(LeaseLifecycle);
    await lifecycle.run(daysFromNow(-2));
    expect(await notices(lease)).toEqual({ events: [], marks: [] });
    await lifecycle.run(new Date());
    expect(await notices(lease)).toEqual({ events: [60], marks: [60] });
    await lifecycle.run(new Date());
    expect(await notices(lease)).toEqual({ events: [60], marks: [60] });
  });

  it('records announcements in their own table: pruning the outbox does not announce a lease again', async () => {
    const org = await createOrganization(http(), await registerAndLogin(http(), 'lc-prune'), 'LC Prune');
    const lease = await activeLease(org.adminToken, 30, '-prune');
    const lifecycle = worker.get(LeaseLifecycle);
    await lifecycle.run(new Date());
    expect(await notices(lease)).toEqual({ events: [30], marks: [30] });
    // The relay published the event long ago and retention removed the row.
    await asOwner(server, (db) => db.query(`DELETE FROM outbox WHERE aggregate_id = $1`, [lease]));
    await lifecycle.run(new Date());
    expect(await notices(lease)).toEqual({ events: [], marks: [30] });
  });

  it('announces a terminated lease that still holds its unit, and never expires it', async () => {
    const org = await createOrganization(http(), await registerAndLogin(http(), 'lc-term'), 'LC Term');
    const lease = await activeLease(org.adminToken, 200, '-term');
    const endDate = daysFromNow(30).toISOString().slice(0, 10);
    await request(http())
      .post(`/api/v1/leases/${lease}/terminate`)
      .set(bearer(org.adminToken))
      .send({ endDate })
      .expect(200);
    const lifecycle = worker.get(LeaseLifecycle);
    await lifecycle.run(new Date());
    expect(await notices(lease)).toEqual({ events: [30], marks: [30] });
    await lifecycle.run(daysFromNow(31));
    const after = await request(http())
      .get(`/api/v1/leases/${lease}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(after.body).toMatchObject({ status: 'terminated', endDate });
  });
});
