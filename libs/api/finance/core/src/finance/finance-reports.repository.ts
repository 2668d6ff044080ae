import { Injectable } from '@nestjs/common';
import { Charge } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import { residentCharges } from './charges.repository';

/** Sums as PostgreSQL computes them: numeric, exact, returned as text (converted by `minorUnits`). */
export interface BalanceRow {
  currency: string;
  charged: string;
  paid: string;
  outstanding: string;
  overdue: string;
}

export interface SummaryRows {
  charged: { currency: string; amount: string }[];
  collected: { currency: string; amount: string }[];
  expenses: { currency: string; category: string; amount: string }[];
}

/** Balances and building summaries: integer sums in SQL, per currency (never across currencies). */
@Injectable()
export class FinanceReportsRepository {
  /** Charges that are not cancelled, of one unit or one payer, grouped by currency. */
  balance(
    m: EntityManager,
    organizationId: string,
    of: { unitId?: string; personId?: string },
    today: string,
    residentUserId?: string,
  ): Promise<BalanceRow[]> {
    const qb = m
      .createQueryBuilder(Charge, 'c')
      .select('c.currency', 'currency')
      .addSelect('SUM(c.amount)::text', 'charged')
      .addSelect('SUM(c.paid_amount)::text', 'paid')
      .addSelect('SUM(c.amount - c.paid_amount)::text', 'outstanding')
      .addSelect(
        'COALESCE(SUM(c.amount - c.paid_amount) FILTER (WHERE c.due_date < :today), 0)::text',
        'overdue',
      )
      .where(`c.organization_id = :organizationId AND c.status <> 'cancelled'`, { organizationId })
      .setParameter('today', today);
    if (of.unitId) qb.andWhere('c.unit_id = :unitId', { unitId: of.unitId });
    if (of.personId) qb.andWhere('c.person_id = :personId', { personId: of.personId });
    if (residentUserId) qb.andWhere(residentCharges('c'), { residentUserId });
    return qb.groupBy('c.currency').orderBy('c.currency', 'ASC').getRawMany<BalanceRow>();
  }

  /** One building's month [from, to): charges due, payments received, expenses incurred. */
  async summary(
    m: EntityManager,
    organizationId: string,
    buildingId: string,
    from: string,
    to: string,
  ): Promise<SummaryRows> {
    const params = [organizationId, buildingId, from, to];
    const charged: SummaryRows['charged'] = await m.query(
      `SELECT c.currency, SUM(c.amount)::text AS amount
         FROM charges c
         JOIN units u ON u.organization_id = c.organization_id AND u.id = c.unit_id
        WHERE c.organization_id = $1 AND u.building_id = $2 AND c.status <> 'cancelled'
          AND c.due_date >= $3 AND c.due_date < $4
        GROUP BY c.currency`,
      params,
    );
    const collected: SummaryRows['collected'] = await m.query(
      `SELECT p.currency, SUM(p.amount)::text AS amount
         FROM payments p
         JOIN charges c ON c.organization_id = p.organization_id AND c.id = p.charge_id
         JOIN units u ON u.organization_id = c.organization_id AND u.id = c.unit_id
        WHERE p.organization_id = $1 AND u.building_id = $2 AND p.paid_on >= $3 AND p.paid_on < $4
        GROUP BY p.currency`,
      params,
    );
    const expenses: SummaryRows['expenses'] = await m.query(
      `SELECT e.currency, e.category::text AS category, SUM(e.amount)::text AS amount
         FROM expenses e
        WHERE e.organization_id = $1 AND e.building_id = $2 AND e.incurred_on >= $3 AND e.incurred_on < $4
        GROUP BY e.currency, e.category
        ORDER BY e.currency, e.category`,
      params,
    );
    return { charged, collected, expenses };
  }
}
