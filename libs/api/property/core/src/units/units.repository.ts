import { Injectable } from '@nestjs/common';
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
    if (f.onlyIds) qb.andWhere('u.id = ANY(:onlyIds)', { onlyIds: f.onlyIds });
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

  listOccupants(
    m: EntityManager,
    organizationId: string,
    unitId: string,
  ): Promise<(UnitOccupant & { person: Person })[]> {
    return m.find(UnitOccupant, {
      where: { organizationId, unitId },
      relations: { person: true },
      order: { startsOn: 'ASC', id: 'ASC' },
    }) as Promise<(UnitOccupant & { person: Person })[]>;
  }

  addOccupant(m: EntityManager, organizationId: string, data: Partial<UnitOccupant>): Promise<UnitOccupant> {
    return m.save(m.create(UnitOccupant, { ...data, organizationId }));
  }

  findOccupant(
    m: EntityManager,
    organizationId: string,
    unitId: string,
    id: string,
  ): Promise<UnitOccupant | null> {
    return m.findOneBy(UnitOccupant, { organizationId, unitId, id });
  }

  async endOccupant(m: EntityManager, organizationId: string, id: string, endsOn: string): Promise<void> {
    await m.update(UnitOccupant, { organizationId, id }, { endsOn });
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
    m: EntityManager,
    organizationId: string,
    userId: string,
  ): Promise<{ unitId: string; buildingId: string; since: Date }[]> {
    const rows = await m
      .createQueryBuilder(UnitOccupant, 'o')
      .innerJoin(Person, 'p', 'p.id = o.person_id AND p.organization_id = o.organization_id')
      .innerJoin(Unit, 'u', 'u.id = o.unit_id AND u.organization_id = o.organization_id')
      .select('o.unit_id', 'unitId')
      .addSelect('u.building_id', 'buildingId')
      .addSelect('MIN(GREATEST(o.starts_on::timestamptz, o.created_at))', 'since')
      .where('o.organization_id = :organizationId AND p.user_id = :userId', { organizationId, userId })
      .andWhere('o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)')
      .groupBy('o.unit_id')
      .addGroupBy('u.building_id')
      .getRawMany<{ unitId: string; buildingId: string; since: Date | string }>();
    return rows.map((r) => ({ unitId: r.unitId, buildingId: r.buildingId, since: new Date(r.since) }));
  }
}
