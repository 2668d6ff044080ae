import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Building, Membership, Unit } from '@ppt/api-db';
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

/**
 * Buildings of one organisation: findById, findForUpdate (update, archive and delete serialise per
 * building), create and update come from TenantRepository; every method takes the scope (RLS backs it up).
 */
@Injectable()
export class BuildingsRepository extends TenantRepository<Building> {
  constructor() {
    super(Building);
  }

  /** Not TenantRepository.page: each row carries its unit count, and nullable sort columns go last. */
  async list(
    scope: OrganizationScope,
    f: BuildingFilter,
  ): Promise<{ items: (Building & { unitCount: number })[]; total: number }> {
    const qb = scope.manager
      .createQueryBuilder(Building, 'b')
      .where('b.organization_id = :organizationId', { organizationId: scope.organizationId });
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
    const total = f.offset === 0 && entities.length < f.limit ? entities.length : await counted.getCount();
    return { items: entities.map((b, i) => Object.assign(b, { unitCount: raw[i].unit_count })), total };
  }

  async delete(scope: OrganizationScope, id: string): Promise<void> {
    await scope.manager.delete(Building, this.keyOf(scope, id));
  }

  async unitCounts(scope: OrganizationScope, buildingIds: string[]): Promise<Map<string, number>> {
    if (buildingIds.length === 0) return new Map();
    const rows = await scope.manager
      .createQueryBuilder(Unit, 'u')
      .select('u.building_id', 'buildingId')
      .addSelect('count(*)::int', 'count')
      .where('u.organization_id = :organizationId AND u.building_id IN (:...buildingIds)', {
        organizationId: scope.organizationId,
        buildingIds,
      })
      .groupBy('u.building_id')
      .getRawMany<{ buildingId: string; count: number }>();
    return new Map(rows.map((r) => [r.buildingId, r.count]));
  }

  isMember(scope: OrganizationScope, userId: string): Promise<boolean> {
    return scope.manager.existsBy(Membership, { organizationId: scope.organizationId, userId });
  }
}
