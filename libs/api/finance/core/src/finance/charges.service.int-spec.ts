import { IdentityEnv } from '@ppt/api-identity-core';
import { MailEnv } from '@ppt/api-shared';
import { ServiceTestContext, TEST_REQUEST_META as meta, type TestMember } from '@ppt/api-testing';
import { Charge, OutboxEvent, type Lease, type Organization, type Unit } from '@ppt/api-db';
import { ChargesService, FinanceCoreModule, type CreateChargeDto } from '../index';

const isoDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('ChargesService (service tier)', () => {
  let ctx: ServiceTestContext;
  let charges: ChargesService;
  let org: Organization;
  let manager: TestMember;
  let unit: Unit;
  let lease: Lease;

  const charge = async (overrides: Partial<CreateChargeDto> = {}) =>
    (
      await charges.create(
        manager,
        { unitId: unit.id, kind: 'rent', amount: 15_000, currency: 'CZK', dueDate: isoDay(10), ...overrides },
        meta,
      )
    ).body;
  const eventTypes = async (chargeId: string) =>
    (
      await ctx.owner
        .getRepository(OutboxEvent)
        .find({ where: { aggregateId: chargeId }, order: { aggregateVersion: 'ASC' } })
    ).map((e) => e.type);

  beforeAll(async () => {
    ctx = await ServiceTestContext.create({
      imports: [FinanceCoreModule],
      envSlices: [IdentityEnv, MailEnv],
    });
    charges = ctx.get(ChargesService);
    org = await ctx.newOrganization();
    manager = await ctx.newMember(org, 'manager');
    const building = await ctx.newBuilding(org);
    unit = await ctx.newUnit(building);
    lease = await ctx.newLease(unit, { currency: 'CZK' });
  });
  afterAll(() => ctx.close());

  it("bills a lease's primary tenant by default and refuses a lease of another unit or currency", async () => {
    const billed = await charge({ leaseId: lease.id });
    expect(billed).toMatchObject({
      leaseId: lease.id,
      personId: lease.primaryTenantId,
      status: 'pending',
      paidAmount: 0,
    });
    expect(await eventTypes(billed.id)).toEqual(['charge.created']);

    const otherUnit = await ctx.newUnit(await ctx.newBuilding(org));
    await expect(charge({ unitId: otherUnit.id, leaseId: lease.id })).rejects.toMatchObject({
      code: 'LEASE_UNIT_MISMATCH',
    });
    await expect(charge({ leaseId: lease.id, currency: 'EUR' })).rejects.toMatchObject({
      code: 'CURRENCY_MISMATCH',
    });
  });

  it('records payments exactly: partial, then in full with paidOn; refuses over-payment, the future and a paid charge', async () => {
    const rent = await charge({ amount: 10_000 });
    const partial = await charges.recordPayment(
      manager,
      rent.id,
      { amount: 4_000, currency: 'CZK', method: 'cash', paidOn: isoDay(-1) },
      meta,
    );
    expect(partial.body.charge).toMatchObject({ status: 'pending', paidAmount: 4_000, paidOn: null });

    await expect(
      charges.recordPayment(manager, rent.id, { amount: 6_001, currency: 'CZK', method: 'cash' }, meta),
    ).rejects.toMatchObject({
      code: 'PAYMENT_EXCEEDS_OUTSTANDING',
      details: [{ field: 'amount', message: 'at most 6000' }],
    });
    await expect(
      charges.recordPayment(manager, rent.id, { amount: 1_000, currency: 'EUR', method: 'cash' }, meta),
    ).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
    // Refused before any transaction (a synchronous throw), hence the async wrapper.
    await expect(
      (async () =>
        charges.recordPayment(
          manager,
          rent.id,
          { amount: 1_000, currency: 'CZK', method: 'cash', paidOn: isoDay(1) },
          meta,
        ))(),
    ).rejects.toMatchObject({ code: 'PAYMENT_DATE_IN_FUTURE' });

    const settled = await charges.recordPayment(
      manager,
      rent.id,
      { amount: 6_000, currency: 'CZK', method: 'bank_transfer', paidOn: isoDay() },
      meta,
    );
    expect(settled.body.charge).toMatchObject({ status: 'paid', paidAmount: 10_000, paidOn: isoDay() });
    await expect(
      charges.recordPayment(manager, rent.id, { amount: 1, currency: 'CZK', method: 'cash' }, meta),
    ).rejects.toMatchObject({ code: 'CHARGE_ALREADY_PAID', status: 409 });
    await expect(charges.cancel(manager, rent.id, meta)).rejects.toMatchObject({
      code: 'CHARGE_ALREADY_PAID',
    });
    expect(await eventTypes(rent.id)).toEqual(['charge.created', 'payment.recorded', 'payment.recorded']);
  });

  it('cancels only a charge without payments, once', async () => {
    const paidInPart = await charge();
    await charges.recordPayment(manager, paidInPart.id, { amount: 1, currency: 'CZK', method: 'cash' }, meta);
    await expect(charges.cancel(manager, paidInPart.id, meta)).rejects.toMatchObject({
      code: 'CHARGE_HAS_PAYMENTS',
      status: 409,
    });

    const unpaid = await charge();
    expect(await charges.cancel(manager, unpaid.id, meta)).toMatchObject({ status: 'cancelled' });
    await expect(charges.cancel(manager, unpaid.id, meta)).rejects.toMatchObject({
      code: 'CHARGE_CANCELLED',
    });
    await expect(
      charges.recordPayment(manager, unpaid.id, { amount: 1, currency: 'CZK', method: 'cash' }, meta),
    ).rejects.toMatchObject({ code: 'CHARGE_CANCELLED' });
    expect(await eventTypes(unpaid.id)).toEqual(['charge.created', 'charge.cancelled']);
  });

  it('answers a repeated idempotency key with the first charge and creates one row', async () => {
    const dto: CreateChargeDto = {
      unitId: unit.id,
      kind: 'fee',
      amount: 500,
      currency: 'CZK',
      dueDate: isoDay(3),
    };
    const first = await charges.create(manager, dto, meta, 'fee-2026-12');
    const again = await charges.create(manager, dto, meta, 'fee-2026-12');
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ replayed: true, body: { id: first.body.id } });
    expect(await ctx.owner.getRepository(Charge).countBy({ organizationId: org.id, kind: 'fee' })).toBe(1);
  });

  it("reaches no other organisation's unit or charge", async () => {
    const other = await ctx.newOrganization();
    const stranger = await ctx.newMember(other, 'manager');
    const theirUnit = await ctx.newUnit(await ctx.newBuilding(other));
    await expect(charge({ unitId: theirUnit.id })).rejects.toMatchObject({
      code: 'UNIT_NOT_FOUND',
      status: 404,
    });

    const ours = await charge();
    await expect(charges.get(stranger, ours.id)).rejects.toMatchObject({ code: 'CHARGE_NOT_FOUND' });
    await expect(
      charges.recordPayment(stranger, ours.id, { amount: 1, currency: 'CZK', method: 'cash' }, meta),
    ).rejects.toMatchObject({ code: 'CHARGE_NOT_FOUND' });
    await expect(charges.cancel(stranger, ours.id, meta)).rejects.toMatchObject({ code: 'CHARGE_NOT_FOUND' });
    expect(await charges.get(manager, ours.id)).toMatchObject({ status: 'pending', paidAmount: 0 });
  });
});
