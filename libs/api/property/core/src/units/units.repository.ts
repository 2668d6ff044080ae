import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Person, Unit, UnitOccupant } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';

export interface UnitFilter {
  /** Only these units (a resident's own); undefined = no restriction. */
  onlyIds?: string[];
  q?: string;
  buildingId?: string;
  status?: string;
  type?: string;
  sort: string;
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<string, string> = {
  number: 'row.number',
  floor: 'row.floor',
  areaM2: 'row.area_m2',
  createdAt: 'row.created_at',
};

/**
 * Units of one organisation: findById, findForUpdate, create, update and page come from
 * TenantRepository; unitIdsOfUser still takes a manager and organisation, as
 * ResidentScope's callers not yet on the unit of work pass them; RLS backs every query up.
 */
@Injectable()
export class UnitsRepository extends TenantRepository<Unit> {
  constructor() {
    super(Unit);
  }

  list(scope: OrganizationScope, f: UnitFilter): Promise<[Unit[], number]> {
    const { field, direction } = parseSort(f.sort);
    return this.page(scope, f, { column: SORT_COLUMNS[field], direction, nulls: 'NULLS LAST' }, (qb) => {
      if (f.onlyIds) qb.andWhere('row.id = ANY(:onlyIds)', { onlyIds: f.onlyIds });
      if (f.buildingId) qb.andWhere('row.building_id = :buildingId', { buildingId: f.buildingId });
      if (f.status) qb.andWhere('row.status = :status', { status: f.status });
      if (f.type) qb.andWhere('row.type = :type', { type: f.type });
      if (f.q) qb.andWhere('row.number ILIKE :q', { q: likePattern(f.q) });
    });
  }

  async delete(scope: OrganizationScope, id: string): Promise<void> {
    await scope.manager.delete(Unit, this.keyOf(scope, id));
  }

  listOccupants(scope: OrganizationScope, unitId: string): Promise<(UnitOccupant & { person: Person })[]> {
    return scope.manager.find(UnitOccupant, {
      where: { organizationId: scope.organizationId, unitId },
      relations: { person: true },
      order: { startsOn: 'ASC', id: 'ASC' },
    }) as Promise<(UnitOccupant & { person: Person })[]>;
  }

  addOccupant(scope: OrganizationScope, data: Partial<UnitOccupant>): Promise<UnitOccupant> {
    return scope.manager.save(
      scope.manager.create(UnitOccupant, { ...data, organizationId: scope.organizationId }),
    );
  }

  findOccupant(scope: OrganizationScope, unitId: string, id: string): Promise<UnitOccupant | null> {
    return scope.manager.findOneBy(UnitOccupant, { organizationId: scope.organizationId, unitId, id });
  }

  async endOccupant(scope: OrganizationScope, id: string, endsOn: string): Promise<void> {
    await scope.manager.update(UnitOccupant, { organizationId: scope.organizationId, id }, { endsOn });
  }

  /** Units the user currently owns or lives in, through a person linked to their account. */
  async unitIdsOfUser(m: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const rows = await m
      .createQueryBuilder(UnitOccupant, 'o')
      .innerJoin(Person, 'p', 'p.id = o.person_id AND p.organization_id = o.organization_id')
      .select('DISTINCT o.unit_id', 'unitId')
      .where('o.organization_id = :organizationId AND p.user_id = :userId', { organizationId, userId })
      .andWhere('o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)')
      .getRawMany<{ unitId: string }>();
    return rows.map((r) => r.unitId);
  }

  /**
   * The units the user currently lives in or owns, with their building and since when the user has
   * been there as far as we know: the later of the occupancy's start and when it was recorded (a
   * back-dated occupancy does not open events from before it existed).
   */
  async residencesOfUser(
    scope: OrganizationScope,
    userId: string,
  ): Promise<{ unitId: string; buildingId: string; since: Date }[]> {
    const rows = await scope.manager
      .createQueryBuilder(UnitOccupant, 'o')
      .innerJoin(Person, 'p', 'p.id = o.person_id AND p.organization_id = o.organization_id')
      .innerJoin(Unit, 'u', 'u.id = o.unit_id AND u.organization_id = o.organization_id')
      .select('o.unit_id', 'unitId')
      .addSelect('u.building_id', 'buildingId')
      .addSelect('MIN(GREATEST(o.starts_on::timestamptz, o.created_at))', 'since')
      .where('o.organization_id = :organizationId AND p.user_id = :userId', {
        organizationId: scope.organizationId,
        userId,
      })
      .andWhere('o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)')
      .groupBy('o.unit_id')
      .addGroupBy('u.building_id')
      .getRawMany<{ unitId: string; buildingId: string; since: Date | string }>();
    return rows.map((r) => ({ unitId: r.unitId, buildingId: r.buildingId, since: new Date(r.since) }));
  }
}
