import { Injectable } from '@nestjs/common';
import { Unit } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '../../common/list-query';

export interface UnitFilter {
  q?: string;
  buildingId?: string;
  status?: string;
  type?: string;
  sort: string;
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<string, string> = {
  number: 'u.number',
  floor: 'u.floor',
  areaM2: 'u.area_m2',
  createdAt: 'u.created_at',
};

/** Units of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class UnitsRepository {
  list(m: EntityManager, organizationId: string, f: UnitFilter): Promise<[Unit[], number]> {
    const qb = m
      .createQueryBuilder(Unit, 'u')
      .where('u.organization_id = :organizationId', { organizationId });
    if (f.buildingId) qb.andWhere('u.building_id = :buildingId', { buildingId: f.buildingId });
    if (f.status) qb.andWhere('u.status = :status', { status: f.status });
    if (f.type) qb.andWhere('u.type = :type', { type: f.type });
    if (f.q) qb.andWhere('u.number ILIKE :q', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction, 'NULLS LAST')
      .addOrderBy('u.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Unit | null> {
    return m.findOneBy(Unit, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Unit | null> {
    return m.findOne(Unit, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Unit>): Promise<Unit> {
    return m.save(m.create(Unit, { ...data, organizationId }));
  }

  async update(m: EntityManager, organizationId: string, id: string, changes: Partial<Unit>): Promise<void> {
    await m.update(Unit, { organizationId, id }, changes);
  }

  async delete(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Unit, { organizationId, id });
  }
}
