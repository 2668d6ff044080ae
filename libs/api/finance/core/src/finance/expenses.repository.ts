import { Injectable } from '@nestjs/common';
import { Expense } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { parseSort } from '@ppt/api-shared';
import type { ListExpensesQueryDto } from './dto/expense.dto';

const SORT_COLUMNS: Record<string, string> = {
  incurredOn: 'e.incurred_on',
  amount: 'e.amount',
  createdAt: 'e.created_at',
};

/** Building expenses of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class ExpensesRepository {
  list(m: EntityManager, organizationId: string, f: ListExpensesQueryDto): Promise<[Expense[], number]> {
    const qb = m
      .createQueryBuilder(Expense, 'e')
      .where('e.organization_id = :organizationId', { organizationId });
    if (f.buildingId) qb.andWhere('e.building_id = :buildingId', { buildingId: f.buildingId });
    if (f.vendorId) qb.andWhere('e.vendor_id = :vendorId', { vendorId: f.vendorId });
    if (f.category) qb.andWhere('e.category = :category', { category: f.category });
    if (f.from) qb.andWhere('e.incurred_on >= :from', { from: f.from });
    if (f.to) qb.andWhere('e.incurred_on <= :to', { to: f.to });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('e.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Expense | null> {
    return m.findOneBy(Expense, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Expense | null> {
    return m.findOne(Expense, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Expense>): Promise<Expense> {
    return m.save(m.create(Expense, { ...data, organizationId }));
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Expense>,
  ): Promise<void> {
    await m.update(Expense, { organizationId, id }, changes);
  }

  async delete(m: EntityManager, organizationId: string, id: string): Promise<number> {
    return (await m.delete(Expense, { organizationId, id })).affected ?? 0;
  }
}
