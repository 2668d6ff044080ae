import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Charge, Lease, Payment } from '@ppt/api-db';
import type { SelectQueryBuilder } from 'typeorm';
import { parseSort } from '@ppt/api-shared';
import type { ListChargesQueryDto, ListOverdueQueryDto } from './dto/charge.dto';

const SORT_COLUMNS: Record<string, string> = {
  dueDate: 'c.due_date',
  amount: 'c.amount',
  createdAt: 'c.created_at',
};

/**
 * The charges a resident may see (alias `alias`, parameter `:residentUserId`): they are the payer,
 * or a party (primary tenant or co-tenant) to the charge's lease, through a person linked to their account.
 */
export function residentCharges(alias: string): string {
  const people = `(SELECT p.id FROM people p WHERE p.organization_id = ${alias}.organization_id AND p.user_id = :residentUserId)`;
  return `(${alias}.person_id IN ${people}
    OR EXISTS (SELECT 1 FROM leases l WHERE l.organization_id = ${alias}.organization_id AND l.id = ${alias}.lease_id
      AND (l.primary_tenant_id IN ${people}
        OR EXISTS (SELECT 1 FROM lease_co_tenants ct WHERE ct.organization_id = l.organization_id
                   AND ct.lease_id = l.id AND ct.person_id IN ${people}))))`;
}

/**
 * Charges and their payments, of one organisation: findForUpdate, create and update (which raises the
 * version: event order for consumers) come from TenantRepository; every method takes the scope (RLS backs
 * it up).
 */
@Injectable()
export class ChargesRepository extends TenantRepository<Charge> {
  constructor() {
    super(Charge, { versioned: true });
  }

  /** `residentUserId` limits the list to what that resident may see (see `residentCharges`). */
  list(
    scope: OrganizationScope,
    f: ListChargesQueryDto,
    residentUserId?: string,
  ): Promise<[Charge[], number]> {
    const qb = this.scoped(scope, f, residentUserId);
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    if (f.kind) qb.andWhere('c.kind = :kind', { kind: f.kind });
    if (f.leaseId) qb.andWhere('c.lease_id = :leaseId', { leaseId: f.leaseId });
    if (f.dueFrom) qb.andWhere('c.due_date >= :dueFrom', { dueFrom: f.dueFrom });
    if (f.dueTo) qb.andWhere('c.due_date <= :dueTo', { dueTo: f.dueTo });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('c.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  /** Charges past due and not fully paid (pending ones the daily job has not reached yet too). */
  async overdue(
    scope: OrganizationScope,
    f: ListOverdueQueryDto,
    today: string,
    residentUserId?: string,
  ): Promise<{ rows: { charge: Charge; daysOverdue: number }[]; total: number }> {
    const qb = this.scoped(scope, f, residentUserId)
      .andWhere(`c.status IN ('pending', 'overdue') AND c.due_date < :today AND c.paid_amount < c.amount`, {
        today,
      })
      .addSelect('CAST(:today AS date) - c.due_date', 'days_overdue');
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .orderBy('c.due_date', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getRawAndEntities<{ days_overdue: number }>();
    return {
      rows: entities.map((charge, i) => ({ charge, daysOverdue: Number(raw[i].days_overdue) })),
      total,
    };
  }

  findVisible(scope: OrganizationScope, id: string, residentUserId?: string): Promise<Charge | null> {
    const qb = scope.manager
      .createQueryBuilder(Charge, 'c')
      .where('c.organization_id = :organizationId AND c.id = :id', {
        organizationId: scope.organizationId,
        id,
      });
    if (residentUserId) qb.andWhere(residentCharges('c'), { residentUserId });
    return qb.getOne();
  }

  findLease(scope: OrganizationScope, id: string): Promise<Lease | null> {
    return scope.manager.findOneBy(Lease, { organizationId: scope.organizationId, id });
  }

  addPayment(scope: OrganizationScope, data: Partial<Payment>): Promise<Payment> {
    return scope.manager.save(
      scope.manager.create(Payment, { ...data, organizationId: scope.organizationId }),
    );
  }

  payments(
    scope: OrganizationScope,
    chargeId: string,
    page: { limit: number; offset: number },
  ): Promise<[Payment[], number]> {
    return scope.manager.findAndCount(Payment, {
      where: { organizationId: scope.organizationId, chargeId },
      order: { paidOn: 'ASC', createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  findPayment(scope: OrganizationScope, chargeId: string, id: string): Promise<Payment | null> {
    return scope.manager.findOneBy(Payment, { organizationId: scope.organizationId, chargeId, id });
  }

  findReversalOf(scope: OrganizationScope, paymentId: string): Promise<Payment | null> {
    return scope.manager.findOneBy(Payment, {
      organizationId: scope.organizationId,
      reversesPaymentId: paymentId,
    });
  }

  async latestPaymentDate(scope: OrganizationScope, chargeId: string): Promise<string | null> {
    const row = await scope.manager
      .createQueryBuilder(Payment, 'p')
      .select('MAX(p.paid_on)::text', 'latest')
      .where('p.organization_id = :organizationId AND p.charge_id = :chargeId', {
        organizationId: scope.organizationId,
        chargeId,
      })
      // Real payments only: neither reversing entries (dated when recorded) nor the payments they undid.
      .andWhere('p.reverses_payment_id IS NULL')
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM payments r WHERE r.organization_id = p.organization_id AND r.reverses_payment_id = p.id)`,
      )
      .getRawOne<{ latest: string | null }>();
    return row?.latest ?? null;
  }

  /** Pending charges due before `today`, locked (a payment recorded meanwhile is waited for). */
  pendingPastDue(scope: OrganizationScope, today: string): Promise<Charge[]> {
    return scope.manager
      .createQueryBuilder(Charge, 'c')
      .where(`c.organization_id = :organizationId AND c.status = 'pending' AND c.due_date < :today`, {
        organizationId: scope.organizationId,
        today,
      })
      .orderBy('c.due_date', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** The user accounts (still members of the organisation) linked to each of these people. */
  async linkedUsers(scope: OrganizationScope, personIds: string[]): Promise<Map<string, string>> {
    if (personIds.length === 0) return new Map();
    const rows: { personId: string; userId: string }[] = await scope.manager.query(
      `SELECT p.id AS "personId", p.user_id AS "userId"
         FROM people p
         JOIN memberships mem ON mem.organization_id = p.organization_id AND mem.user_id = p.user_id
        WHERE p.organization_id = $1 AND p.id = ANY($2::uuid[])`,
      [scope.organizationId, personIds],
    );
    return new Map(rows.map((r) => [r.personId, r.userId]));
  }

  private scoped(
    scope: OrganizationScope,
    f: { unitId?: string; personId?: string; buildingId?: string },
    residentUserId?: string,
  ): SelectQueryBuilder<Charge> {
    const qb = scope.manager
      .createQueryBuilder(Charge, 'c')
      .where('c.organization_id = :organizationId', { organizationId: scope.organizationId });
    if (residentUserId) qb.andWhere(residentCharges('c'), { residentUserId });
    if (f.unitId) qb.andWhere('c.unit_id = :unitId', { unitId: f.unitId });
    if (f.personId) qb.andWhere('c.person_id = :personId', { personId: f.personId });
    if (f.buildingId) {
      qb.andWhere(
        `c.unit_id IN (SELECT u.id FROM units u WHERE u.organization_id = c.organization_id AND u.building_id = :buildingId)`,
        { buildingId: f.buildingId },
      );
    }
    return qb;
  }
}
