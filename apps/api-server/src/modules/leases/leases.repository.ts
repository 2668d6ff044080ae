import { Injectable } from '@nestjs/common';
import { Lease } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '../../common/list-query';
import type { ListLeasesQueryDto } from './dto/lease.dto';

const SORT_COLUMNS: Record<string, string> = {
  startDate: 'l.start_date',
  endDate: 'l.end_date',
  leaseNumber: 'l.lease_number',
  createdAt: 'l.created_at',
};

/** Leases of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class LeasesRepository {
  list(m: EntityManager, organizationId: string, f: ListLeasesQueryDto): Promise<[Lease[], number]> {
    const qb = m
      .createQueryBuilder(Lease, 'l')
      .where('l.organization_id = :organizationId', { organizationId });
    if (f.status) qb.andWhere('l.status = :status', { status: f.status });
    if (f.unitId) qb.andWhere('l.unit_id = :unitId', { unitId: f.unitId });
    if (f.q) qb.andWhere('l.lease_number ILIKE :q', { q: likePattern(f.q) });
    if (f.expiringWithinDays) {
      qb.andWhere(`l.status = 'active' AND l.end_date BETWEEN current_date AND current_date + :days::int`, {
        days: f.expiringWithinDays,
      });
    }
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction, 'NULLS LAST')
      .addOrderBy('l.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Lease | null> {
    return m.findOneBy(Lease, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Lease | null> {
    return m.findOne(Lease, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Lease>): Promise<Lease> {
    return m.save(m.create(Lease, { ...data, organizationId }));
  }

  /** Applies changes and bumps the version (event order for consumers). */
  async update(m: EntityManager, organizationId: string, id: string, changes: Partial<Lease>): Promise<void> {
    await m.update(Lease, { organizationId, id }, { ...changes, version: () => 'version + 1' });
  }
}
