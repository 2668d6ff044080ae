import { Injectable } from '@nestjs/common';
import { Expense } from '@ppt/api-db';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { parseSort } from '@ppt/api-shared';
import type { ListExpensesQueryDto } from './dto/expense.dto';

const SORT_COLUMNS: Record<string, string> = {
  incurredOn: 'row.incurred_on',
  amount: 'row.amount',
  createdAt: 'row.created_at',
};

/** Building expenses of one organisation (every method takes its scope; RLS backs it up). */
@Injectable()
export class ExpensesRepository extends TenantRepository<Expense> {
  constructor() {
    super(Expense);
  }

  list(scope: OrganizationScope, f: ListExpensesQueryDto): Promise<[Expense[], number]> {
    const { field, direction } = parseSort(f.sort);
    return this.page(scope, f, { column: SORT_COLUMNS[field], direction }, (qb) => {
      if (f.buildingId) qb.andWhere('row.building_id = :buildingId', { buildingId: f.buildingId });
      if (f.vendorId) qb.andWhere('row.vendor_id = :vendorId', { vendorId: f.vendorId });
      if (f.category) qb.andWhere('row.category = :category', { category: f.category });
      if (f.from) qb.andWhere('row.incurred_on >= :from', { from: f.from });
      if (f.to) qb.andWhere('row.incurred_on <= :to', { to: f.to });
    });
  }

  async delete(scope: OrganizationScope, id: string): Promise<number> {
    return (await scope.manager.delete(Expense, this.keyOf(scope, id))).affected ?? 0;
  }
}
