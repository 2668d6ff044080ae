import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { OutboxWriter } from '@ppt/events';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { Client } from 'pg';
import request from 'supertest';
import { ChargeOverdue } from '@ppt/api-finance-core';
import { ChargesRepository } from '../../../libs/api/finance/core/src/finance/charges.repository';
import { TenantUnitOfWork } from '@ppt/api-shared';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

interface Org {
  id: string;
  adminToken: string;
}

/** Charges, payments, expenses, balances, summaries and the daily overdue job. */
describe('finance', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  const http = () => server.app.getHttpServer();
  const iso = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
  let org: Org;
  let other: Org;
  let buildingId: string;
  let unitId: string;
  let tenantPersonId: string;
  let leaseId: string;
  let resident: { userId: string; token: string };
  let outsider: { userId: string; token: string; personId: string };

  const post = (path: string, body: object, token = org.adminToken) =>
    request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body);
  const get = (path: string, token = org.adminToken) =>
    request(http()).get(`/api/v1${path}`).set(bearer(token));
  const building = async (o: Org, name: string) =>
    (
      await post(
        '/buildings',
        { name, addressLine: `${name} 1`, city: 'Praha', postalCode: '110 00', country: 'CZ' },
        o.adminToken,
      ).expect(201)
    ).body.id as string;
  const unit = async (o: Org, bId: string, number: string) =>
    (await post('/units', { buildingId: bId, number }, o.adminToken).expect(201)).body.id as string;
  const person = async (o: Org, lastName: string, userId?: string) =>
    (await post('/people', { firstName: 'P', lastName, userId }, o.adminToken).expect(201)).body.id as string;
  const charge = async (body: Record<string, unknown>, o: Org = org) =>
    (
      await post(
        '/charges',
        { unitId, kind: 'service_charge', amount: 1000, currency: 'CZK', dueDate: iso(10), ...body },
        o.adminToken,
      ).expect(201)
    ).body as { id: string; status: string; amount: number; personId: string | null; version: number };
  const pay = (chargeId: string, body: Record<string, unknown>, token = org.adminToken) =>
    post(`/charges/${chargeId}/payments`, { currency: 'CZK', method: 'bank_transfer', ...body }, token);
  const events = async (aggregateId: string) =>
    (
      await asOwner(server, (db) =>
        db.query(
          `SELECT type, aggregate_version AS version, payload FROM outbox WHERE aggregate_id = $1 ORDER BY created_at, aggregate_version`,
          [aggregateId],
        ),
      )
    ).rows as { type: string; version: number; payload: Record<string, unknown> }[];

  /** A user with the `tenant` role, linked to a person of the organisation. */
  async function residentUser(label: string, personLastName: string) {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, 'tenant');
    const personId = await person(org, personLastName, user.id);
    return {
      userId: user.id,
      personId,
      token: (await login(http(), user.email, undefined, org.id)).accessToken,
    };
  }

  beforeAll(async () => {
    server = await bootApiServer();
    worker = await createTestWorker(server);
    await worker.init();
    org = await createOrganization(http(), await registerAndLogin(http(), 'fin-admin'), 'Finance Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'fin-other'), 'Other Org');
    buildingId = await building(org, 'Fin');
    unitId = await unit(org, buildingId, '1');
    const r = await residentUser('fin-tenant', 'Tenant');
    resident = { userId: r.userId, token: r.token };
    tenantPersonId = r.personId;
    outsider = await residentUser('fin-outsider', 'Outsider');
    leaseId = (
      await post('/leases', {
        unitId,
        primaryTenantId: tenantPersonId,
        leaseNumber: 'F-1',
        startDate: '2026-01-01',
        rentAmount: 1850000,
        currency: 'CZK',
        paymentDay: 15,
      }).expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
  });

  it('charges in integer minor units and refuses floats, strings and bad currencies or dates', async () => {
    const bad = await post('/charges', {
      unitId,
      kind: 'rent',
      amount: 12.5,
      currency: 'EURO',
      dueDate: '2026-13-01',
    }).expect(400);
    expect([...new Set(bad.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'amount',
      'currency',
      'dueDate',
    ]);
    for (const amount of ['100', 0, -5, 2 ** 53]) {
      await post('/charges', { unitId, kind: 'rent', amount, currency: 'CZK', dueDate: iso(5) }).expect(400);
    }
    await post('/charges', {
      unitId,
      kind: 'rent',
      amount: 1,
      currency: 'CZK',
      dueDate: iso(5),
      extra: 1,
    }).expect(400);
    const foreignUnit = await unit(other, await building(other, 'B'), '9');
    const missing = await post('/charges', {
      unitId: foreignUnit,
      kind: 'rent',
      amount: 1,
      currency: 'CZK',
      dueDate: iso(5),
    }).expect(404);
    expect(missing.body.error.code).toBe('UNIT_NOT_FOUND');
    const otherUnit = await unit(org, buildingId, '2');
    const mismatch = await post('/charges', {
      unitId: otherUnit,
      leaseId,
      kind: 'rent',
      amount: 1,
      currency: 'CZK',
      dueDate: iso(5),
    }).expect(422);
    expect(mismatch.body.error.code).toBe('LEASE_UNIT_MISMATCH');
    const currency = await post('/charges', {
      unitId,
      leaseId,
      kind: 'rent',
      amount: 1,
      currency: 'EUR',
      dueDate: iso(5),
    }).expect(422);
    expect(currency.body.error.code).toBe('CURRENCY_MISMATCH');
  });

  it('records payments exactly: partial, then paid in full with paidOn; refuses over-payment, other currencies and cancelling a paid charge', async () => {
    const rent = await charge({
      leaseId,
      kind: 'rent',
      amount: 1850000,
      currency: 'czk',
      description: 'Rent 12/2026',
    });
    expect(rent).toMatchObject({ status: 'pending', amount: 1850000, personId: tenantPersonId, version: 1 });

    const first = await pay(rent.id, { amount: 850000, paidOn: iso(-1), reference: 'VS 1' }).expect(201);
    expect(first.body.charge).toMatchObject({
      status: 'pending',
      paidAmount: 850000,
      outstandingAmount: 1000000,
      paidOn: null,
    });
    const over = await pay(rent.id, { amount: 1000001 }).expect(422);
    expect(over.body.error.code).toBe('PAYMENT_EXCEEDS_OUTSTANDING');
    const eur = await pay(rent.id, { amount: 1, currency: 'EUR' }).expect(422);
    expect(eur.body.error.code).toBe('CURRENCY_MISMATCH');
    await pay(rent.id, { amount: 1, paidOn: iso(2) }).expect(422);
    await pay(rent.id, { amount: 0.5 }).expect(400);
    await pay(rent.id, { amount: 1, method: 'bitcoin' }).expect(400);

    const second = await pay(rent.id, { amount: 1000000, method: 'cash' }).expect(201);
    expect(second.body.charge).toMatchObject({
      status: 'paid',
      paidAmount: 1850000,
      outstandingAmount: 0,
      paidOn: iso(0),
      version: 3,
    });
    expect((await pay(rent.id, { amount: 1 }).expect(409)).body.error.code).toBe('CHARGE_ALREADY_PAID');
    expect((await post(`/charges/${rent.id}/cancel`, {}).expect(409)).body.error.code).toBe(
      'CHARGE_ALREADY_PAID',
    );

    const payments = await get(`/charges/${rent.id}/payments`).expect(200);
    expect(payments.body.items.map((p: { amount: number; method: string }) => [p.amount, p.method])).toEqual([
      [850000, 'bank_transfer'],
      [1000000, 'cash'],
    ]);
    expect((await events(rent.id)).map((e) => [e.type, e.version, e.payload.outstandingAmount])).toEqual([
      ['charge.created', 1, undefined],
      ['payment.recorded', 2, 1000000],
      ['payment.recorded', 3, 0],
    ]);

    const fee = await charge({ kind: 'fee', amount: 500 });
    const cancelled = await post(`/charges/${fee.id}/cancel`, {}).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', version: 2 });
    expect((await pay(fee.id, { amount: 1 }).expect(409)).body.error.code).toBe('CHARGE_CANCELLED');
    const partly = await charge({ amount: 500 });
    await pay(partly.id, { amount: 100 }).expect(201);
    expect((await post(`/charges/${partly.id}/cancel`, {}).expect(409)).body.error.code).toBe(
      'CHARGE_HAS_PAYMENTS',
    );
  });

  it('never over-pays under concurrent payments (the charge row is locked)', async () => {
    const c = await charge({ amount: 1000 });
    const results = await Promise.all(Array.from({ length: 6 }, () => pay(c.id, { amount: 400 })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422, 422]);
    const after = await get(`/charges/${c.id}`).expect(200);
    expect(after.body).toMatchObject({ paidAmount: 800, outstandingAmount: 200, status: 'pending' });
    expect((await events(c.id)).filter((e) => e.type === 'payment.recorded')).toHaveLength(2);
  });

  it('writes events in the same transaction: a change that fails leaves no event and no payment', async () => {
    const c = await charge({ amount: 700 });
    // The charges' events go through the tenant unit of work's outbox writer.
    const writer = (server.app.get(TenantUnitOfWork, { strict: false }) as unknown as { outbox: OutboxWriter })
      .outbox;
    const real = writer.write.bind(writer);
    const spy = jest.spyOn(writer, 'write').mockImplementationOnce(async (m, event) => {
      await real(m, event);
      throw new Error('the commit never happens');
    });
    try {
      await pay(c.id, { amount: 700 }).expect(500);
    } finally {
      spy.mockRestore();
    }
    expect((await events(c.id)).map((e) => e.type)).toEqual(['charge.created']);
    expect((await get(`/charges/${c.id}/payments`).expect(200)).body.items).toEqual([]);
    expect((await get(`/charges/${c.id}`).expect(200)).body).toMatchObject({
      paidAmount: 0,
      status: 'pending',
    });

    // Rejected requests write nothing either.
    await pay(c.id, { amount: 701 }).expect(422);
    expect(await events(c.id)).toHaveLength(1);
    await pay(c.id, { amount: 700 }).expect(201);
    expect((await events(c.id)).map((e) => e.type)).toEqual(['charge.created', 'payment.recorded']);
  });

  it('sums balances per unit and per person exactly, per currency, never across currencies', async () => {
    const u = await unit(org, buildingId, 'B-1');
    const payer = await person(org, 'Payer');
    const base = { unitId: u, personId: payer };
    // Large amounts whose float sum would lose the last digit if added as doubles beyond 2^53.
    const big = await charge({ ...base, amount: 9007199254740000, dueDate: iso(-3) });
    await charge({ ...base, amount: 990, dueDate: iso(20) });
    await charge({ ...base, amount: 1, dueDate: iso(-1) });
    const eur = await charge({ ...base, amount: 1999, currency: 'EUR', dueDate: iso(-2) });
    const cancelled = await charge({ ...base, amount: 5000, currency: 'EUR' });
    await post(`/charges/${cancelled.id}/cancel`, {}).expect(200);
    await pay(big.id, { amount: 7, currency: 'CZK' }).expect(201);
    await pay(eur.id, { amount: 1000, currency: 'EUR' }).expect(201);

    const expected = [
      {
        currency: 'CZK',
        charged: 9007199254740991,
        paid: 7,
        outstanding: 9007199254740984,
        overdue: 9007199254739994,
      },
      { currency: 'EUR', charged: 1999, paid: 1000, outstanding: 999, overdue: 999 },
    ];
    const byUnit = await get(`/units/${u}/balance`).expect(200);
    expect(byUnit.body).toEqual({ unitId: u, asOf: iso(0), items: expected });
    const byPerson = await get(`/people/${payer}/balance`).expect(200);
    expect(byPerson.body).toEqual({ personId: payer, asOf: iso(0), items: expected });
  });

  it('lists overdue charges with days overdue; the daily job marks them once, emits payment.overdue and notifies the payer', async () => {
    const repeatable = await worker.get<Queue>(getQueueToken(QueueName.Maintenance)).getRepeatableJobs();
    expect(repeatable.filter((j) => j.name === MaintenanceJob.FinanceOverdue).map((j) => j.cron)).toEqual([
      '30 2 * * *',
    ]);

    const u = await unit(org, buildingId, 'O-1');
    const late = await charge({
      unitId: u,
      leaseId: undefined,
      personId: tenantPersonId,
      amount: 3000,
      dueDate: iso(-12),
      description: 'Water 10/2026',
    });
    const silentPayer = await residentUser('fin-silent', 'Silent');
    await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(silentPayer.token))
      .send({ items: [{ type: 'payment_overdue', channel: 'in_app', enabled: false }] })
      .expect(200);
    const lateSilent = await charge({
      unitId: u,
      personId: silentPayer.personId,
      amount: 200,
      dueDate: iso(-1),
    });
    const notYet = await charge({ unitId: u, amount: 100, dueDate: iso(0) });
    const paidLate = await charge({ unitId: u, amount: 100, dueDate: iso(-5) });
    await pay(paidLate.id, { amount: 100 }).expect(201);
    const otherUnit = await unit(other, await building(other, 'OB'), '1');
    const foreignLate = await charge({ unitId: otherUnit, amount: 50, dueDate: iso(-2) }, other);

    const listed = await get(`/charges/overdue?unitId=${u}`).expect(200);
    expect(
      listed.body.items.map((c: { id: string; daysOverdue: number; status: string }) => [
        c.id,
        c.daysOverdue,
        c.status,
      ]),
    ).toEqual([
      [late.id, 12, 'pending'],
      [lateSilent.id, 1, 'pending'],
    ]);

    const overdue = worker.get(ChargeOverdue);
    const first = await overdue.run(new Date());
    expect(first.overdue).toBeGreaterThanOrEqual(3);
    expect(await overdue.run(new Date())).toEqual({ overdue: 0, notified: 0, failed: 0 });

    for (const id of [late.id, lateSilent.id])
      expect((await get(`/charges/${id}`).expect(200)).body.status).toBe('overdue');
    expect((await get(`/charges/${notYet.id}`).expect(200)).body.status).toBe('pending');
    expect((await get(`/charges/${paidLate.id}`).expect(200)).body.status).toBe('paid');
    expect((await get(`/charges/${foreignLate.id}`, other.adminToken).expect(200)).body.status).toBe(
      'overdue',
    );
    expect((await get(`/charges?status=overdue&unitId=${u}`).expect(200)).body.total).toBe(2);

    const lateEvents = await events(late.id);
    expect(lateEvents.filter((e) => e.type === 'payment.overdue')).toEqual([
      {
        type: 'payment.overdue',
        version: 2,
        payload: {
          chargeId: late.id,
          unitId: u,
          leaseId: null,
          personId: tenantPersonId,
          outstandingAmount: 3000,
          currency: 'CZK',
          dueDate: iso(-12),
        },
      },
    ]);
    expect((await events(foreignLate.id)).map((e) => e.type)).toEqual(['charge.created', 'payment.overdue']);
    expect((await events(notYet.id)).map((e) => e.type)).toEqual(['charge.created']);

    const inbox = await get('/notifications', resident.token).expect(200);
    expect(
      inbox.body.items
        .filter((n: { type: string }) => n.type === 'payment_overdue')
        .map((n: { title: string; body: string; link: string }) => [n.title, n.body, n.link]),
    ).toEqual([
      ['Payment overdue: Water 10/2026', `30.00 CZK was due on ${iso(-12)}.`, `/charges/${late.id}`],
    ]);
    const silentInbox = await get('/notifications', silentPayer.token).expect(200);
    expect(silentInbox.body.items.filter((n: { type: string }) => n.type === 'payment_overdue')).toEqual([]);

    // Paying an overdue charge in full settles it.
    const settled = await pay(late.id, { amount: 3000 }).expect(201);
    expect(settled.body.charge.status).toBe('paid');
  });

  it('goes on with the other organisations when one fails in the overdue job, and catches up later', async () => {
    const mine = await charge({ amount: 700, dueDate: iso(-3) });
    const foreign = await charge(
      { unitId: await unit(other, await building(other, 'OF'), '1'), amount: 70, dueDate: iso(-3) },
      other,
    );
    const repository = worker.get(ChargesRepository);
    const real = repository.pendingPastDue.bind(repository);
    const broken = jest
      .spyOn(repository, 'pendingPastDue')
      .mockImplementation((scope, today) =>
        scope.organizationId === org.id ? Promise.reject(new Error('lasting failure')) : real(scope, today),
      );
    try {
      const failing = await worker.get(ChargeOverdue).run(new Date());
      expect(failing).toMatchObject({ failed: 1 });
      expect(failing.overdue).toBeGreaterThanOrEqual(1);
    } finally {
      broken.mockRestore();
    }
    expect((await get(`/charges/${mine.id}`).expect(200)).body.status).toBe('pending');
    expect((await get(`/charges/${foreign.id}`, other.adminToken).expect(200)).body.status).toBe('overdue');
    expect((await events(mine.id)).map((e) => e.type)).toEqual(['charge.created']);

    expect(await worker.get(ChargeOverdue).run(new Date())).toMatchObject({ failed: 0 });
    expect((await get(`/charges/${mine.id}`).expect(200)).body.status).toBe('overdue');
  });

  it('records building expenses with vendors and summarises a month per currency exactly', async () => {
    const b = await building(org, 'Summary');
    const u1 = await unit(org, b, '1');
    const u2 = await unit(org, b, '2');
    const vendor = (await post('/vendors', { name: 'Roofers s.r.o.' }).expect(201)).body.id as string;
    const foreignVendor = (await post('/vendors', { name: 'Elsewhere' }, other.adminToken).expect(201)).body
      .id;

    const expense = (body: Record<string, unknown>) =>
      post('/expenses', {
        buildingId: b,
        category: 'repairs',
        amount: 1,
        currency: 'CZK',
        incurredOn: '2026-03-10',
        ...body,
      });
    const roof = (await expense({ vendorId: vendor, amount: 1250001, description: 'Roof' }).expect(201)).body;
    expect(roof).toMatchObject({
      vendorId: vendor,
      amount: 1250001,
      category: 'repairs',
      incurredOn: '2026-03-10',
    });
    await expense({ category: 'cleaning', amount: 30000, incurredOn: '2026-03-31' }).expect(201);
    await expense({ category: 'cleaning', amount: 20000, incurredOn: '2026-03-01' }).expect(201);
    await expense({ category: 'insurance', amount: 999, currency: 'EUR', incurredOn: '2026-03-15' }).expect(
      201,
    );
    await expense({ amount: 77777, incurredOn: '2026-04-01' }).expect(201);
    expect((await expense({ vendorId: foreignVendor }).expect(404)).body.error.code).toBe('VENDOR_NOT_FOUND');
    await expense({ amount: 1.5 }).expect(400);
    await expense({ category: 'party' }).expect(400);

    const updated = await request(http())
      .patch(`/api/v1/expenses/${roof.id}`)
      .set(bearer(org.adminToken))
      .send({ amount: 1250000, vendorId: null })
      .expect(200);
    expect(updated.body).toMatchObject({ amount: 1250000, vendorId: null, buildingId: b });
    const listed = await get(
      `/expenses?buildingId=${b}&category=cleaning&from=2026-03-01&to=2026-03-31`,
    ).expect(200);
    expect(listed.body.items.map((e: { amount: number }) => e.amount)).toEqual([30000, 20000]);
    const doomed = (await expense({ amount: 5, incurredOn: '2026-03-05' }).expect(201)).body.id;
    await request(http()).delete(`/api/v1/expenses/${doomed}`).set(bearer(org.adminToken)).expect(204);
    await get(`/expenses/${doomed}`).expect(404);

    const march = async (body: Record<string, unknown>) =>
      charge({ unitId: u1, dueDate: '2026-03-15', ...body });
    const a = await march({ amount: 1850000 });
    await march({ unitId: u2, amount: 1700001 });
    await march({ amount: 500, currency: 'EUR' });
    const cancelled = await march({ amount: 99999 });
    await post(`/charges/${cancelled.id}/cancel`, {}).expect(200);
    await charge({ unitId: u1, amount: 123, dueDate: '2026-04-01' });
    await pay(a.id, { amount: 1000000, paidOn: '2026-03-20' }).expect(201);
    await pay(a.id, { amount: 850000, paidOn: '2026-04-02' }).expect(201);

    const summary = await get(`/buildings/${b}/finance/summary?month=2026-03`).expect(200);
    expect(summary.body).toEqual({
      buildingId: b,
      month: '2026-03',
      currencies: [
        {
          currency: 'CZK',
          charged: 3550001,
          collected: 1000000,
          expenses: 1300000,
          net: -300000,
          expensesByCategory: [
            { category: 'cleaning', amount: 50000 },
            { category: 'repairs', amount: 1250000 },
          ],
        },
        {
          currency: 'EUR',
          charged: 500,
          collected: 0,
          expenses: 999,
          net: -999,
          expensesByCategory: [{ category: 'insurance', amount: 999 }],
        },
      ],
    });
    await get(`/buildings/${b}/finance/summary?month=2026-13`).expect(400);
    await get(`/buildings/${b}/finance/summary`).expect(400);
  });

  it('counts as collected the payments received in the month (cash basis), whatever month their charge is due in', async () => {
    const b = await building(org, 'Cash basis');
    const u = await unit(org, b, '1');
    // Due in April, paid early in March; due in February, paid late in March.
    const early = await charge({ unitId: u, amount: 4000, dueDate: '2026-04-10' });
    const late = await charge({ unitId: u, amount: 300, dueDate: '2026-02-10' });
    await pay(early.id, { amount: 4000, paidOn: '2026-03-25' }).expect(201);
    await pay(late.id, { amount: 300, paidOn: '2026-03-05' }).expect(201);
    const collected = async (month: string) =>
      (
        (await get(`/buildings/${b}/finance/summary?month=${month}`).expect(200)).body.currencies as {
          currency: string;
          charged: number;
          collected: number;
        }[]
      ).find((c) => c.currency === 'CZK') ?? { charged: 0, collected: 0 };
    // "Payments on the charges due in the month" would give March 0, February 300 and April 4000.
    expect(await collected('2026-03')).toMatchObject({ charged: 0, collected: 4300 });
    expect(await collected('2026-02')).toMatchObject({ charged: 300, collected: 0 });
    expect(await collected('2026-04')).toMatchObject({ charged: 4000, collected: 0 });

    // A reversal is money going back in the month it is recorded: March keeps its 4300.
    const [{ id: paymentId }] = (await get(`/charges/${early.id}/payments`).expect(200)).body.items;
    await post(`/charges/${early.id}/payments/${paymentId}/reverse`, {
      reason: 'Returned by the bank',
    }).expect(201);
    expect(await collected('2026-03')).toMatchObject({ collected: 4300 });
    expect(await collected(iso(0).slice(0, 7))).toMatchObject({ collected: -4000 });
  });

  it('dates a settled charge by its latest real payment, never by a reversal; a cancelled charge takes no reversal', async () => {
    const c = await charge({ amount: 1000, dueDate: iso(5) });
    const first = (await pay(c.id, { amount: 1000, paidOn: iso(-10) }).expect(201)).body.payment;
    await post(`/charges/${c.id}/payments/${first.id}/reverse`, { reason: 'Bounced' }).expect(201);
    // Paid again, dated before today (the reversal's date): the charge is paid on that date.
    const again = await pay(c.id, { amount: 1000, paidOn: iso(-3) }).expect(201);
    expect(again.body.charge).toMatchObject({ status: 'paid', paidOn: iso(-3) });

    const d = await charge({ amount: 500, dueDate: iso(5) });
    const part = (await pay(d.id, { amount: 200 }).expect(201)).body.payment;
    const reversal = (
      await post(`/charges/${d.id}/payments/${part.id}/reverse`, { reason: 'Wrong tenant' }).expect(201)
    ).body.payment;
    await post(`/charges/${d.id}/cancel`, {}).expect(200);
    const refused = await post(`/charges/${d.id}/payments/${reversal.id}/reverse`, { reason: 'x' }).expect(409);
    expect(refused.body.error.code).toBe('CHARGE_CANCELLED');
  });

  it('reverses a payment with a reasoned, audited entry instead of deleting it; the charge owes the amount again', async () => {
    const c = await charge({ amount: 1000, dueDate: iso(-5) });
    const first = (await pay(c.id, { amount: 600, reference: 'VS 77' }).expect(201)).body.payment;
    await pay(c.id, { amount: 400 }).expect(201);
    expect((await get(`/charges/${c.id}`).expect(200)).body).toMatchObject({
      status: 'paid',
      paidAmount: 1000,
    });

    const bad = await post(`/charges/${c.id}/payments/${first.id}/reverse`, {}).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const reversed = await post(`/charges/${c.id}/payments/${first.id}/reverse`, {
      reason: 'Cheque bounced',
    }).expect(201);
    expect(reversed.body.payment).toMatchObject({
      amount: -600,
      currency: 'CZK',
      paidOn: iso(0),
      reversesPaymentId: first.id,
      reason: 'Cheque bounced',
      reference: 'VS 77',
    });
    // Past its due date, so the charge is overdue again (not pending) and has no paid date.
    expect(reversed.body.charge).toMatchObject({
      status: 'overdue',
      paidAmount: 400,
      outstandingAmount: 600,
      paidOn: null,
    });

    const again = await post(`/charges/${c.id}/payments/${first.id}/reverse`, { reason: 'twice' }).expect(
      409,
    );
    expect(again.body.error.code).toBe('PAYMENT_ALREADY_REVERSED');
    const ofReversal = await post(`/charges/${c.id}/payments/${reversed.body.payment.id}/reverse`, {
      reason: 'undo the undo',
    }).expect(409);
    expect(ofReversal.body.error.code).toBe('PAYMENT_IS_REVERSAL');
    const otherCharge = await charge({ amount: 5 });
    expect(
      (
        await post(`/charges/${otherCharge.id}/payments/${first.id}/reverse`, {
          reason: 'wrong charge',
        }).expect(404)
      ).body.error.code,
    ).toBe('PAYMENT_NOT_FOUND');
    expect(
      (
        await post(`/charges/${c.id}/payments/${first.id}/reverse`, { reason: 'x' }, resident.token).expect(
          403,
        )
      ).body.error.code,
    ).toBeDefined();

    // The original stays; the reversal is listed with it.
    const listed = (await get(`/charges/${c.id}/payments`).expect(200)).body.items;
    expect(listed.map((p: { amount: number }) => p.amount)).toEqual([600, 400, -600]);
    expect((await events(c.id)).map((e) => e.type)).toEqual([
      'charge.created',
      'payment.recorded',
      'payment.recorded',
      'payment.reversed',
    ]);
    const audit = await get(`/audit-logs?entityType=payment&entityId=${first.id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'payment.recorded',
      'payment.reversed',
    ]);
    // The app's database role can neither change nor delete a payment.
    const app = new Client({ connectionString: server.db.appUrl });
    await app.connect();
    try {
      await expect(app.query(`DELETE FROM payments WHERE id = $1`, [first.id])).rejects.toThrow(
        /permission denied/,
      );
      await expect(app.query(`UPDATE payments SET amount = 1 WHERE id = $1`, [first.id])).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await app.end();
    }
    // Paying the outstanding amount again settles it.
    expect((await pay(c.id, { amount: 600 }).expect(201)).body.charge).toMatchObject({ status: 'paid' });
  });

  it('replays the first answer for a repeated Idempotency-Key, refuses the key for another body, and creates one row for concurrent duplicates', async () => {
    const key = `charge-${Date.now()}`;
    const body = { unitId, kind: 'fee', amount: 2500, currency: 'CZK', dueDate: iso(20), description: 'Key' };
    const first = await request(http())
      .post('/api/v1/charges')
      .set(bearer(org.adminToken))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const replay = await request(http())
      .post('/api/v1/charges')
      .set(bearer(org.adminToken))
      .set('Idempotency-Key', key)
      .send({ ...body, currency: 'czk' }) // the same request once normalised
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await request(http())
      .post('/api/v1/charges')
      .set(bearer(org.adminToken))
      .set('Idempotency-Key', key)
      .send({ ...body, amount: 2501 })
      .expect(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(reused.body.error.requestId).toBeDefined();
    const invalid = await request(http())
      .post('/api/v1/charges')
      .set(bearer(org.adminToken))
      .set('Idempotency-Key', 'has spaces in it')
      .send(body)
      .expect(400);
    expect(invalid.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID');
    const keyed = await asOwner(server, (db) =>
      db.query(`SELECT count(*)::int AS n FROM charges WHERE description = 'Key' AND organization_id = $1`, [
        org.id,
      ]),
    );
    expect(keyed.rows[0].n).toBe(1);

    // Concurrent duplicates of a payment: one payment, every answer the same.
    const c = await charge({ amount: 900 });
    const payKey = `pay-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(http())
          .post(`/api/v1/charges/${c.id}/payments`)
          .set(bearer(org.adminToken))
          .set('Idempotency-Key', payKey)
          .send({ amount: 300, currency: 'CZK', method: 'card' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.payment.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    const paid = (await get(`/charges/${c.id}/payments`).expect(200)).body;
    expect(paid.total).toBe(1);
    expect((await get(`/charges/${c.id}`).expect(200)).body).toMatchObject({ paidAmount: 300 });
    // The same key on another charge is another request: 422.
    const elsewhere = await charge({ amount: 900 });
    expect(
      (
        await request(http())
          .post(`/api/v1/charges/${elsewhere.id}/payments`)
          .set(bearer(org.adminToken))
          .set('Idempotency-Key', payKey)
          .send({ amount: 300, currency: 'CZK', method: 'card' })
          .expect(422)
      ).body.error.code,
    ).toBe('IDEMPOTENCY_KEY_REUSED');
    // A refused request stores no answer: after fixing the cause, the same key succeeds.
    const refusedKey = `refused-${Date.now()}`;
    const tooMuch = { amount: 901, currency: 'CZK', method: 'card' };
    await request(http())
      .post(`/api/v1/charges/${elsewhere.id}/payments`)
      .set(bearer(org.adminToken))
      .set('Idempotency-Key', refusedKey)
      .send(tooMuch)
      .expect(422);
    expect(
      (await asOwner(server, (db) => db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [refusedKey])))
        .rowCount,
    ).toBe(0);
  });

  it('pages the payments of a charge like every other list', async () => {
    const c = await charge({ amount: 10 });
    for (let i = 0; i < 3; i++) await pay(c.id, { amount: 2, paidOn: iso(-3 + i) }).expect(201);
    const page = await get(`/charges/${c.id}/payments?limit=2&offset=1`).expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.body.items.map((p: { paidOn: string }) => p.paidOn)).toEqual([iso(-2), iso(-1)]);
    expect((await get(`/charges/${c.id}/payments?limit=101`).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('lets residents read only their own charges and balance; other organisations get 404', async () => {
    const mine = await charge({ leaseId, kind: 'rent', amount: 1850000, dueDate: iso(30) });
    const theirs = await charge({ personId: outsider.personId, amount: 4000, dueDate: iso(30) });

    const seen = await get('/charges?limit=100', resident.token).expect(200);
    const ids = seen.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(seen.body.items.every((c: { personId: string }) => c.personId === tenantPersonId)).toBe(true);
    await get(`/charges/${mine.id}`, resident.token).expect(200);
    await get(`/charges/${mine.id}/payments`, resident.token).expect(200);
    expect((await get(`/charges/${theirs.id}`, resident.token).expect(404)).body.error.code).toBe(
      'CHARGE_NOT_FOUND',
    );
    await get(`/charges/${theirs.id}/payments`, resident.token).expect(404);
    await get(`/people/${tenantPersonId}/balance`, resident.token).expect(200);
    await get(`/people/${outsider.personId}/balance`, resident.token).expect(404);
    await get(`/units/${unitId}/balance`, outsider.token).expect(404);

    // Residents write nothing and see no expenses or building summaries.
    await post(
      '/charges',
      { unitId, kind: 'fee', amount: 1, currency: 'CZK', dueDate: iso(1) },
      resident.token,
    ).expect(403);
    await pay(mine.id, { amount: 1 }, resident.token).expect(403);
    await post(`/charges/${mine.id}/cancel`, {}, resident.token).expect(403);
    await get('/expenses', resident.token).expect(403);
    await get(`/buildings/${buildingId}/finance/summary?month=2026-03`, resident.token).expect(403);
    await request(http()).get('/api/v1/charges').expect(401);

    // Another organisation's admin sees none of it.
    await get(`/charges/${mine.id}`, other.adminToken).expect(404);
    await get(`/charges/${mine.id}/payments`, other.adminToken).expect(404);
    expect((await pay(mine.id, { amount: 1 }, other.adminToken).expect(404)).body.error.code).toBe(
      'CHARGE_NOT_FOUND',
    );
    await post(`/charges/${mine.id}/cancel`, {}, other.adminToken).expect(404);
    await get(`/units/${unitId}/balance`, other.adminToken).expect(404);
    await get(`/people/${tenantPersonId}/balance`, other.adminToken).expect(404);
    await get(`/buildings/${buildingId}/finance/summary?month=2026-03`, other.adminToken).expect(404);
    const list = await get(`/charges?unitId=${unitId}`, other.adminToken).expect(200);
    expect(list.body.total).toBe(0);
    await post(
      '/charges',
      { unitId, kind: 'fee', amount: 1, currency: 'CZK', dueDate: iso(1) },
      other.adminToken,
    ).expect(404);
    const exp = (
      await post('/expenses', {
        buildingId,
        category: 'other',
        amount: 1,
        currency: 'CZK',
        incurredOn: iso(0),
      }).expect(201)
    ).body.id;
    await get(`/expenses/${exp}`, other.adminToken).expect(404);
    await request(http()).delete(`/api/v1/expenses/${exp}`).set(bearer(other.adminToken)).expect(404);
    await post(
      '/expenses',
      { buildingId, category: 'other', amount: 1, currency: 'CZK', incurredOn: iso(0) },
      other.adminToken,
    ).expect(404);
  });
});
