import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import request from 'supertest';
import { LeaseLifecycle } from '../src/modules/leases/lease-lifecycle';
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

  async function activeLease(token: string, endInDays: number): Promise<string> {
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
        .send({ buildingId: building, number: `U${endInDays}` })
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
          leaseNumber: `LC-${endInDays}`,
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
});
