import { Injectable } from '@nestjs/common';
import { Vendor } from '@ppt/api-db';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListVendorsQueryDto } from './dto/vendor.dto';

const SORT_COLUMNS: Record<string, string> = { name: 'row.name', createdAt: 'row.created_at' };

@Injectable()
export class VendorsRepository extends TenantRepository<Vendor> {
  constructor() {
    super(Vendor);
  }

  list(scope: OrganizationScope, f: ListVendorsQueryDto): Promise<[Vendor[], number]> {
    const { field, direction } = parseSort(f.sort);
    return this.page(scope, f, { column: SORT_COLUMNS[field], direction }, (qb) => {
      if (f.q) qb.andWhere('(row.name ILIKE :q OR row.trade ILIKE :q)', { q: likePattern(f.q) });
    });
  }

  async delete(scope: OrganizationScope, id: string): Promise<void> {
    await scope.manager.delete(Vendor, this.keyOf(scope, id));
  }
}
