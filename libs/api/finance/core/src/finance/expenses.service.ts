import { Injectable } from '@nestjs/common';
import type { Expense } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import { ValidationFailedError } from '@ppt/observability';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { BuildingsService } from '@ppt/api-property-core';
import { VendorsService } from '@ppt/api-property-core';
import type {
  CreateExpenseDto,
  ExpenseResponse,
  ListExpensesQueryDto,
  UpdateExpenseDto,
} from './dto/expense.dto';
import { ExpensesRepository } from './expenses.repository';
import { FinanceError, FinanceErrorCode } from './finance.errors';

/** Fields an update may change but not clear. */
const REQUIRED = ['category', 'description', 'amount', 'currency', 'incurredOn'] as const;

/** What buildings cost: recorded, corrected and removed by managers, every change audited. */
@Injectable()
export class ExpensesService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly expenses: ExpensesRepository,
    private readonly buildings: BuildingsService,
    private readonly vendors: VendorsService,
  ) {}

  list(t: Tenant, query: ListExpensesQueryDto): Promise<Page<ExpenseResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.expenses.list(tx, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<ExpenseResponse> {
    return this.tenant.run(t, async (tx) => {
      const expense = await this.expenses.findById(tx, id);
      if (!expense) throw notFound();
      return toResponse(expense);
    });
  }

  create(t: Tenant, dto: CreateExpenseDto, meta: RequestMeta): Promise<ExpenseResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        if (!(await this.buildings.findById(tx, dto.buildingId)))
          throw new FinanceError(FinanceErrorCode.BuildingNotFound, 'Building not found');
        await this.checkVendor(tx, dto.vendorId);
        const { id } = await this.expenses.create(tx, {
          buildingId: dto.buildingId,
          vendorId: dto.vendorId ?? null,
          category: dto.category,
          description: dto.description ?? '',
          amount: dto.amount,
          currency: dto.currency,
          incurredOn: dto.incurredOn,
          reference: dto.reference ?? null,
          createdByUserId: t.userId,
        });
        const created = toResponse((await this.expenses.findById(tx, id)) as Expense);
        await tx.auditChange({ type: 'expense', id, verb: 'created' }, null, created);
        return created;
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateExpenseDto, meta: RequestMeta): Promise<ExpenseResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const cleared = REQUIRED.filter((field) => dto[field] === null);
        if (cleared.length > 0)
          throw new ValidationFailedError(
            cleared.map((field) => ({ field, message: `${field} cannot be null` })),
          );
        const before = await this.expenses.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.checkVendor(tx, dto.vendorId);
        if (Object.keys(dto).length === 0) return toResponse(before);
        await this.expenses.update(tx, id, { ...dto });
        const after = toResponse((await this.expenses.findById(tx, id)) as Expense);
        await tx.auditChange({ type: 'expense', id, verb: 'updated' }, toResponse(before), after);
        return after;
      },
      meta,
    );
  }

  remove(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.expenses.findForUpdate(tx, id);
        if (!before || (await this.expenses.delete(tx, id)) === 0) throw notFound();
        await tx.auditChange({ type: 'expense', id, verb: 'deleted' }, toResponse(before), null);
      },
      meta,
    );
  }

  private async checkVendor(tx: TenantTransaction, vendorId: string | null | undefined): Promise<void> {
    if (vendorId && !(await this.vendors.findById(tx, vendorId)))
      throw new FinanceError(FinanceErrorCode.VendorNotFound, 'Vendor not found');
  }
}

function notFound(): FinanceError {
  return new FinanceError(FinanceErrorCode.ExpenseNotFound, 'Expense not found');
}

function toResponse(e: Expense): ExpenseResponse {
  return {
    id: e.id,
    buildingId: e.buildingId,
    vendorId: e.vendorId,
    category: e.category,
    description: e.description,
    amount: e.amount,
    currency: e.currency,
    incurredOn: e.incurredOn,
    reference: e.reference,
    createdByUserId: e.createdByUserId,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
