import { Injectable } from '@nestjs/common';
import { Building, Membership, Unit } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';

export interface BuildingFilter {
  q?: string;
  city?: string;
  type?: string;
  includeArchived: boolean;
  sort: string;
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<string, string> = {
  name: 'b.name',
  city: 'b.city',
  createdAt: 'b.created_at',
  yearBuilt: 'b.year_built',
};

/** Buildings of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class BuildingsRepository {
  async list(
    m: EntityManager,
    organizationId: string,
    f: BuildingFilter,
  ): Promise<{ items: (Building & { unitCount: number })[]; total: number }> {
    const qb = m
      .createQueryBuilder(Building, 'b')
      .where('b.organization_id = :organizationId', { organizationId });
    if (!f.includeArchived) qb.andWhere('b.archived_at IS NULL');
    if (f.city) qb.andWhere('lower(b.city) = lower(:city)', { city: f.city });
    if (f.type) qb.andWhere('b.type = :type', { type: f.type });
    if (f.q)
      qb.andWhere('(b.name ILIKE :q OR b.address_line ILIKE :q OR b.city ILIKE :q)', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    const counted = qb.clone();
    // Each building's unit count in the page query itself: one round trip instead of two.
    const { entities, raw } = await qb
      .addSelect(
        '(SELECT count(*)::int FROM units u WHERE u.organization_id = b.organization_id AND u.building_id = b.id)',
        'unit_count',
      )
      .orderBy(SORT_COLUMNS[field], direction, 'NULLS LAST')
      .addOrderBy('b.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getRawAndEntities<{ unit_count: number }>();
    // A first page that is not full holds every match: no count query (the common case).
    const total =
      f.offset === 0 && entities.length < f.limit ? entities.length : await counted.getCount();
    return { items: entities.map((b, i) => Object.assign(b, { unitCount: raw[i].unit_count })), total };
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Building | null> {
    return m.findOneBy(Building, { organizationId, id });
  }

  /** Locks the row for the rest of the transaction (update, archive and delete serialise per building). */
  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Building | null> {
    return m.findOne(Building, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Building>): Promise<Building> {
    return m.save(m.create(Building, { ...data, organizationId }));
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Building>,
  ): Promise<void> {
    await m.update(Building, { organizationId, id }, changes);
  }

  async delete(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Building, { organizationId, id });
  }

  async unitCounts(
    m: EntityManager,
    organizationId: string,
    buildingIds: string[],
  ): Promise<Map<string, number>> {
    if (buildingIds.length === 0) return new Map();
    const rows = await m
      .createQueryBuilder(Unit, 'u')
      .select('u.building_id', 'buildingId')
      .addSelect('count(*)::int', 'count')
      .where('u.organization_id = :organizationId AND u.building_id IN (:...buildingIds)', {
        organizationId,
        buildingIds,
      })
      .groupBy('u.building_id')
      .getRawMany<{ buildingId: string; count: number }>();
    return new Map(rows.map((r) => [r.buildingId, r.count]));
  }

  isMember(m: EntityManager, organizationId: string, userId: string): Promise<boolean> {
    return m.existsBy(Membership, { organizationId, userId });
  }
}
