import { Injectable } from '@nestjs/common';
import type { ExpenseCategory } from '@ppt/api-db';
import { type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import { BuildingsService } from '@ppt/api-property-core';
import { PeopleService } from '@ppt/api-property-core';
import { ResidentScope } from '@ppt/api-property-core';
import { UnitsService } from '@ppt/api-property-core';
import { residentOf } from './charges.service';
import type { BalanceResponse, BuildingSummaryResponse, CurrencySummaryResponse } from './dto/report.dto';
import { FinanceError, FinanceErrorCode } from './finance.errors';
import { FinanceReportsRepository, type BalanceRow } from './finance-reports.repository';
import { isoDay, minorUnits, monthRange, subtract } from './money';

/**
 * Balances of a unit or a payer, and a building's month, per currency. PostgreSQL adds the integers
 * up (numeric, exact); the results are converted to numbers only when they stay exact.
 */
@Injectable()
export class FinanceReportsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly reports: FinanceReportsRepository,
    private readonly units: UnitsService,
    private readonly people: PeopleService,
    private readonly buildings: BuildingsService,
    private readonly residentScope: ResidentScope,
  ) {}

  /** Residents: only units they live in or own, counting only their own charges. */
  unitBalance(t: Tenant, unitId: string, now = new Date()): Promise<BalanceResponse> {
    return this.tenant.run(t, async (tx) => {
      const unit = await this.units.findById(tx, unitId);
      if (!unit || !(await this.residentScope.canSee(tx.manager, t, unitId)))
        throw new FinanceError(FinanceErrorCode.UnitNotFound, 'Unit not found');
      const asOf = isoDay(now);
      const rows = await this.reports.balance(tx.manager, tx.organizationId, { unitId }, asOf, residentOf(t));
      return { unitId, asOf, items: rows.map(toBalance) };
    });
  }

  /** Residents: only a person linked to their own account. */
  personBalance(t: Tenant, personId: string, now = new Date()): Promise<BalanceResponse> {
    return this.tenant.run(t, async (tx) => {
      const person = await this.people.findById(tx, personId);
      if (!person || (residentOf(t) && person.userId !== t.userId))
        throw new FinanceError(FinanceErrorCode.PersonNotFound, 'Person not found');
      const asOf = isoDay(now);
      const rows = await this.reports.balance(tx.manager, tx.organizationId, { personId }, asOf);
      return { personId, asOf, items: rows.map(toBalance) };
    });
  }

  buildingSummary(t: Tenant, buildingId: string, month: string): Promise<BuildingSummaryResponse> {
    return this.tenant.run(t, async (tx) => {
      if (!(await this.buildings.findById(tx, buildingId)))
        throw new FinanceError(FinanceErrorCode.BuildingNotFound, 'Building not found');
      const { from, to } = monthRange(month);
      const rows = await this.reports.summary(tx.manager, tx.organizationId, buildingId, from, to);
      const byCurrency = new Map<string, CurrencySummaryResponse>();
      const entry = (currency: string) => {
        let e = byCurrency.get(currency);
        if (!e) {
          e = { currency, charged: 0, collected: 0, expenses: 0, net: 0, expensesByCategory: [] };
          byCurrency.set(currency, e);
        }
        return e;
      };
      for (const r of rows.charged) entry(r.currency).charged = minorUnits(r.amount);
      for (const r of rows.collected) entry(r.currency).collected = minorUnits(r.amount);
      for (const r of rows.expenses) {
        const e = entry(r.currency);
        const amount = minorUnits(r.amount);
        e.expensesByCategory.push({ category: r.category as ExpenseCategory, amount });
        e.expenses = minorUnits(BigInt(e.expenses) + BigInt(amount));
      }
      const currencies = [...byCurrency.values()]
        .map((e) => ({ ...e, net: subtract(e.collected, e.expenses) }))
        .sort((a, b) => a.currency.localeCompare(b.currency));
      return { buildingId, month, currencies };
    });
  }
}

function toBalance(r: BalanceRow) {
  return {
    currency: r.currency,
    charged: minorUnits(r.charged),
    paid: minorUnits(r.paid),
    outstanding: minorUnits(r.outstanding),
    overdue: minorUnits(r.overdue),
  };
}
