import { Injectable } from '@nestjs/common';
import { grantOf, Permission } from '@ppt/auth';
import type { Charge, Payment } from '@ppt/api-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { IdempotencyKeys, type IdempotentAnswer } from '@ppt/api-shared';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { PeopleService } from '@ppt/api-property-core';
import { UnitsService } from '@ppt/api-property-core';
import { ChargesRepository } from './charges.repository';
import type {
  ChargeResponse,
  CreateChargeDto,
  ListChargesQueryDto,
  ListOverdueQueryDto,
  OverdueChargeResponse,
  PaymentResponse,
  RecordedPaymentResponse,
  RecordPaymentDto,
  ReversePaymentDto,
} from './dto/charge.dto';
import { FinanceError, FinanceErrorCode } from './finance.errors';
import { isoDay, subtract } from './money';

/**
 * Charges and payments. A payment is recorded against one charge, never beyond what it still owes:
 * the charge row is locked (SELECT … FOR UPDATE) while its payments are summed into `paid_amount`,
 * so concurrent payments serialise, and a check constraint backs the rule up. A charge becomes `paid`
 * when its payments cover it; audit entries and events are written in the same transaction.
 */
@Injectable()
export class ChargesService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly charges: ChargesRepository,
    private readonly units: UnitsService,
    private readonly people: PeopleService,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  list(t: Tenant, query: ListChargesQueryDto): Promise<Page<ChargeResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.charges.list(tx, query, residentOf(t));
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  overdue(t: Tenant, query: ListOverdueQueryDto, now = new Date()): Promise<Page<OverdueChargeResponse>> {
    return this.tenant.run(t, async (tx) => {
      const { rows, total } = await this.charges.overdue(tx, query, isoDay(now), residentOf(t));
      return {
        items: rows.map(({ charge, daysOverdue }) => ({ ...toResponse(charge), daysOverdue })),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<ChargeResponse> {
    return this.tenant.run(t, async (tx) => toResponse(await this.mustSee(tx, t, id)));
  }

  /** With an Idempotency-Key, a repeated request gets the first answer again (see IdempotencyKeys). */
  create(
    t: Tenant,
    dto: CreateChargeDto,
    meta: RequestMeta,
    idempotencyKey?: string,
  ): Promise<IdempotentAnswer<ChargeResponse>> {
    return this.tenant.run(
      t,
      (tx) =>
        this.idempotency.once(
          tx.manager,
          t,
          { key: idempotencyKey, operation: 'charge.create', payload: dto },
          201,
          () => this.createIn(tx, t, dto),
        ),
      meta,
    );
  }

  private async createIn(tx: TenantTransaction, t: Tenant, dto: CreateChargeDto): Promise<ChargeResponse> {
    if (!(await this.units.findById(tx, dto.unitId)))
      throw new FinanceError(FinanceErrorCode.UnitNotFound, 'Unit not found');
    let payer = dto.personId ?? null;
    if (dto.leaseId) {
      const lease = await this.charges.findLease(tx, dto.leaseId);
      if (!lease) throw new FinanceError(FinanceErrorCode.LeaseNotFound, 'Lease not found');
      if (lease.unitId !== dto.unitId)
        throw new FinanceError(FinanceErrorCode.LeaseUnitMismatch, 'The lease is of another unit');
      if (lease.currency !== dto.currency) {
        throw new FinanceError(
          FinanceErrorCode.CurrencyMismatch,
          `The lease is in ${lease.currency}; charge it in the same currency`,
        );
      }
      payer ??= lease.primaryTenantId;
    }
    if (dto.personId && !(await this.people.findById(tx, dto.personId)))
      throw new FinanceError(FinanceErrorCode.PersonNotFound, 'Person not found');
    const { id } = await this.charges.create(tx, {
      unitId: dto.unitId,
      leaseId: dto.leaseId ?? null,
      personId: payer,
      kind: dto.kind,
      description: dto.description ?? '',
      amount: dto.amount,
      currency: dto.currency,
      dueDate: dto.dueDate,
      status: 'pending',
      createdByUserId: t.userId,
    });
    const charge = await this.lock(tx, id);
    await tx.auditChange({ type: 'charge', id, verb: 'created' }, null, toResponse(charge));
    await tx.emit({
      type: 'charge.created',
      aggregateId: charge.id,
      aggregateVersion: charge.version,
      payload: {
        chargeId: charge.id,
        unitId: charge.unitId,
        leaseId: charge.leaseId,
        personId: charge.personId,
        kind: charge.kind,
        amount: charge.amount,
        currency: charge.currency,
        dueDate: charge.dueDate,
      },
    });
    return toResponse(charge);
  }

  /** Pending or overdue charges with no payment; a paid one cannot be cancelled (409). */
  cancel(t: Tenant, id: string, meta: RequestMeta): Promise<ChargeResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const charge = await this.lock(tx, id);
        if (charge.status === 'cancelled')
          throw new FinanceError(FinanceErrorCode.Cancelled, 'The charge is already cancelled');
        if (charge.status === 'paid')
          throw new FinanceError(FinanceErrorCode.AlreadyPaid, 'A paid charge cannot be cancelled');
        if (charge.paidAmount > 0) {
          throw new FinanceError(
            FinanceErrorCode.HasPayments,
            'The charge has payments recorded against it and cannot be cancelled',
          );
        }
        await this.charges.update(tx, id, { status: 'cancelled', cancelledAt: new Date() });
        const after = await this.lock(tx, id);
        await tx.auditChange(
          { type: 'charge', id, verb: 'cancelled' },
          toResponse(charge),
          toResponse(after),
        );
        await tx.emit({
          type: 'charge.cancelled',
          aggregateId: id,
          aggregateVersion: after.version,
          payload: { chargeId: id, unitId: after.unitId, amount: after.amount, currency: after.currency },
        });
        return toResponse(after);
      },
      meta,
    );
  }

  payments(t: Tenant, id: string, page: PageQueryDto): Promise<Page<PaymentResponse>> {
    return this.tenant.run(t, async (tx) => {
      await this.mustSee(tx, t, id);
      const [items, total] = await this.charges.payments(tx, id, page);
      return { items: items.map(toPayment), total, limit: page.limit, offset: page.offset };
    });
  }

  /** With an Idempotency-Key, a repeated request gets the first answer again (see IdempotencyKeys). */
  recordPayment(
    t: Tenant,
    id: string,
    dto: RecordPaymentDto,
    meta: RequestMeta,
    idempotencyKey?: string,
    now = new Date(),
  ): Promise<IdempotentAnswer<RecordedPaymentResponse>> {
    const today = isoDay(now);
    const paidOn = dto.paidOn ?? today;
    if (paidOn > today)
      throw new FinanceError(FinanceErrorCode.PaymentDateInFuture, 'A payment cannot be dated in the future');
    return this.tenant.run(
      t,
      (tx) =>
        this.idempotency.once(
          tx.manager,
          t,
          { key: idempotencyKey, operation: 'payment.record', payload: { chargeId: id, ...dto } },
          201,
          () => this.recordPaymentIn(tx, t, id, dto, paidOn),
        ),
      meta,
    );
  }

  private async recordPaymentIn(
    tx: TenantTransaction,
    t: Tenant,
    id: string,
    dto: RecordPaymentDto,
    paidOn: string,
  ): Promise<RecordedPaymentResponse> {
    const charge = await this.lock(tx, id);
    if (charge.status === 'cancelled')
      throw new FinanceError(FinanceErrorCode.Cancelled, 'The charge is cancelled');
    if (charge.status === 'paid')
      throw new FinanceError(FinanceErrorCode.AlreadyPaid, 'The charge is already paid in full');
    if (dto.currency !== charge.currency) {
      throw new FinanceError(
        FinanceErrorCode.CurrencyMismatch,
        `The charge is in ${charge.currency}; record the payment in the same currency`,
      );
    }
    const outstanding = subtract(charge.amount, charge.paidAmount);
    if (dto.amount > outstanding) {
      throw new FinanceError(
        FinanceErrorCode.Overpayment,
        `The payment exceeds the outstanding amount (${outstanding} minor units)`,
        [{ field: 'amount', message: `at most ${outstanding}` }],
      );
    }
    const payment = await this.charges.addPayment(tx, {
      chargeId: id,
      amount: dto.amount,
      currency: dto.currency,
      paidOn,
      method: dto.method,
      reference: dto.reference ?? null,
      recordedByUserId: t.userId,
    });
    const paidAmount = charge.paidAmount + dto.amount;
    const settled = paidAmount === charge.amount;
    await this.charges.update(tx, id, {
      paidAmount,
      ...(settled ? { status: 'paid', paidOn: await this.charges.latestPaymentDate(tx, id) } : {}),
    });
    const after = await this.lock(tx, id);
    // The payment itself, and what it did to the charge (paid amount, maybe status and paid date).
    await tx.auditChange({ type: 'payment', id: payment.id, verb: 'recorded' }, null, toPayment(payment));
    await tx.auditChange({ type: 'charge', id, verb: 'updated' }, toResponse(charge), toResponse(after));
    await tx.emit({
      type: 'payment.recorded',
      aggregateId: id,
      aggregateVersion: after.version,
      payload: {
        paymentId: payment.id,
        chargeId: id,
        unitId: after.unitId,
        personId: after.personId,
        amount: payment.amount,
        currency: payment.currency,
        paidOn: payment.paidOn,
        method: payment.method,
        chargeStatus: after.status,
        outstandingAmount: subtract(after.amount, after.paidAmount),
      },
    });
    return { payment: toPayment(payment), charge: toResponse(after) };
  }

  /**
   * Undoes a payment with a reversing entry (negative amount, dated today, with the reason); the
   * payment itself stays. The charge owes the amount again: a paid charge becomes pending, or overdue
   * when its due date has passed. Each payment can be reversed once; a reversal cannot be reversed.
   */
  reversePayment(
    t: Tenant,
    chargeId: string,
    paymentId: string,
    dto: ReversePaymentDto,
    meta: RequestMeta,
    now = new Date(),
  ): Promise<RecordedPaymentResponse> {
    const today = isoDay(now);
    return this.tenant.run(
      t,
      async (tx) => {
        const charge = await this.lock(tx, chargeId);
        const original = await this.charges.findPayment(tx, chargeId, paymentId);
        if (!original) throw new FinanceError(FinanceErrorCode.PaymentNotFound, 'Payment not found');
        // A cancelled charge owes nothing: a reversal would make it owe again behind its status.
        if (charge.status === 'cancelled')
          throw new FinanceError(
            FinanceErrorCode.Cancelled,
            'The charge is cancelled; its payments cannot be reversed',
          );
        if (original.reversesPaymentId)
          throw new FinanceError(FinanceErrorCode.PaymentIsReversal, 'A reversing entry cannot be reversed');
        if (await this.charges.findReversalOf(tx, paymentId))
          throw new FinanceError(FinanceErrorCode.AlreadyReversed, 'The payment is already reversed');
        const reversal = await this.charges.addPayment(tx, {
          chargeId,
          amount: -original.amount,
          currency: original.currency,
          paidOn: today,
          method: original.method,
          reference: original.reference,
          reversesPaymentId: original.id,
          reason: dto.reason,
          recordedByUserId: t.userId,
        });
        const paidAmount = subtract(charge.paidAmount, original.amount);
        await this.charges.update(tx, chargeId, {
          paidAmount,
          ...(charge.status === 'paid'
            ? { status: charge.dueDate < today ? 'overdue' : 'pending', paidOn: null }
            : {}),
        });
        const after = await this.lock(tx, chargeId);
        await tx.auditChange(
          { type: 'payment', id: original.id, verb: 'reversed' },
          toPayment(original),
          toPayment(reversal),
        );
        await tx.auditChange(
          { type: 'charge', id: chargeId, verb: 'updated' },
          toResponse(charge),
          toResponse(after),
        );
        await tx.emit({
          type: 'payment.reversed',
          aggregateId: chargeId,
          aggregateVersion: after.version,
          payload: {
            paymentId: original.id,
            reversalId: reversal.id,
            chargeId,
            amount: original.amount,
            currency: original.currency,
            reason: dto.reason,
            chargeStatus: after.status,
            outstandingAmount: subtract(after.amount, after.paidAmount),
          },
        });
        return { payment: toPayment(reversal), charge: toResponse(after) };
      },
      meta,
    );
  }

  /** Residents see only their own charges; anything else (and other organisations) is a 404. */
  private async mustSee(tx: TenantTransaction, t: Tenant, id: string): Promise<Charge> {
    const charge = await this.charges.findVisible(tx, id, residentOf(t));
    if (!charge) throw notFound();
    return charge;
  }

  private async lock(tx: TenantTransaction, id: string): Promise<Charge> {
    const charge = await this.charges.findForUpdate(tx, id);
    if (!charge) throw notFound();
    return charge;
  }
}

/** Roles with an `own` FinanceRead grant read charges only as the payer or a party to the charge's lease. */
export function residentOf(t: Tenant): string | undefined {
  return grantOf(t, Permission.FinanceRead) === 'own' ? t.userId : undefined;
}

function notFound(): FinanceError {
  return new FinanceError(FinanceErrorCode.ChargeNotFound, 'Charge not found');
}

export function toResponse(c: Charge): ChargeResponse {
  return {
    id: c.id,
    unitId: c.unitId,
    leaseId: c.leaseId,
    personId: c.personId,
    kind: c.kind,
    description: c.description,
    amount: c.amount,
    paidAmount: c.paidAmount,
    outstandingAmount: subtract(c.amount, c.paidAmount),
    currency: c.currency,
    dueDate: c.dueDate,
    status: c.status,
    paidOn: c.paidOn,
    cancelledAt: c.cancelledAt,
    version: c.version,
    createdByUserId: c.createdByUserId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function toPayment(p: Payment): PaymentResponse {
  return {
    id: p.id,
    chargeId: p.chargeId,
    amount: p.amount,
    currency: p.currency,
    paidOn: p.paidOn,
    method: p.method,
    reference: p.reference,
    reversesPaymentId: p.reversesPaymentId,
    reason: p.reason,
    recordedByUserId: p.recordedByUserId,
    createdAt: p.createdAt,
  };
}
