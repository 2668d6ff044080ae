import { Injectable } from '@nestjs/common';
import { Vendor } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListVendorsQueryDto } from './dto/vendor.dto';

const SORT_COLUMNS: Record<string, string> = { name: 'v.name', createdAt: 'v.created_at' };

@Injectable()
export class VendorsRepository {
  list(m: EntityManager, organizationId: string, f: ListVendorsQueryDto): Promise<[Vendor[], number]> {
    const qb = m
      .createQueryBuilder(Vendor, 'v')
      .where('v.organization_id = :organizationId', { organizationId });
    if (f.q) qb.andWhere('(v.name ILIKE :q OR v.trade ILIKE :q)', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('v.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Vendor | null> {
    return m.findOneBy(Vendor, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Vendor | null> {
    return m.findOne(Vendor, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async delete(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Vendor, { organizationId, id });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Vendor>): Promise<Vendor> {
    return m.save(m.create(Vendor, { ...data, organizationId }));
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Vendor>,
  ): Promise<void> {
    await m.update(Vendor, { organizationId, id }, changes);
  }
}
