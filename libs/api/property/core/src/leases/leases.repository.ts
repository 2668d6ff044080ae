import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Lease, LeaseAddendum, LeaseCoTenant, Person, UnitOccupant } from '@ppt/api-db';
import type { SelectQueryBuilder } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { PageQueryDto } from '@ppt/http';
import type { ListLeasesQueryDto } from './dto/lease.dto';

const SORT_COLUMNS: Record<string, string> = {
  startDate: 'l.start_date',
  endDate: 'l.end_date',
  leaseNumber: 'l.lease_number',
  createdAt: 'l.created_at',
};

/**
 * Leases, their co-tenants and addenda, of one organisation: findById, findForUpdate, create and update
 * (which raises the version: event order for consumers) come from TenantRepository; every method takes
 * the scope (RLS backs it up).
 */
@Injectable()
export class LeasesRepository extends TenantRepository<Lease> {
  constructor() {
    super(Lease, { versioned: true });
  }

  /** `residentUserId` limits the list to what that resident may see (see `residentFilter`). */
  list(scope: OrganizationScope, f: ListLeasesQueryDto, residentUserId?: string): Promise<[Lease[], number]> {
    const qb = scope.manager
      .createQueryBuilder(Lease, 'l')
      .where('l.organization_id = :organizationId', { organizationId: scope.organizationId });
    if (residentUserId) residentFilter(qb, residentUserId);
    if (f.status) qb.andWhere('l.status = :status', { status: f.status });
    if (f.unitId) qb.andWhere('l.unit_id = :unitId', { unitId: f.unitId });
    if (f.personId) {
      qb.andWhere(
        `(l.primary_tenant_id = :personId OR EXISTS (SELECT 1 FROM lease_co_tenants c
           WHERE c.organization_id = l.organization_id AND c.lease_id = l.id AND c.person_id = :personId))`,
        { personId: f.personId },
      );
    }
    if (f.q) qb.andWhere('l.lease_number ILIKE :q', { q: likePattern(f.q) });
    if (f.expiringWithinDays) {
      // A terminated lease still holds the unit until its end date, so it is ending soon too.
      qb.andWhere(
        `l.status IN ('active', 'terminated') AND l.end_date BETWEEN current_date AND current_date + :days::int`,
        { days: f.expiringWithinDays },
      );
    }
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction, 'NULLS LAST')
      .addOrderBy('l.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  async findVisibleToResident(scope: OrganizationScope, id: string, userId: string): Promise<Lease | null> {
    const qb = scope.manager
      .createQueryBuilder(Lease, 'l')
      .where('l.organization_id = :organizationId AND l.id = :id', {
        organizationId: scope.organizationId,
        id,
      });
    return residentFilter(qb, userId).getOne();
  }

  /** Co-tenant ids per lease, for a page of leases in one query. */
  async coTenantIds(scope: OrganizationScope, leaseIds: string[]): Promise<Map<string, string[]>> {
    const byLease = new Map<string, string[]>(leaseIds.map((id) => [id, []]));
    if (leaseIds.length === 0) return byLease;
    const rows = await scope.manager
      .createQueryBuilder(LeaseCoTenant, 'c')
      .where('c.organization_id = :organizationId AND c.lease_id IN (:...leaseIds)', {
        organizationId: scope.organizationId,
        leaseIds,
      })
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.person_id', 'ASC')
      .getMany();
    for (const row of rows) byLease.get(row.leaseId)?.push(row.personId);
    return byLease;
  }

  async replaceCoTenants(scope: OrganizationScope, leaseId: string, personIds: string[]): Promise<void> {
    await scope.manager.delete(LeaseCoTenant, { organizationId: scope.organizationId, leaseId });
    if (personIds.length === 0) return;
    await scope.manager
      .createQueryBuilder()
      .insert()
      .into(LeaseCoTenant)
      .values(personIds.map((personId) => ({ organizationId: scope.organizationId, leaseId, personId })))
      .updateEntity(false)
      .execute();
  }

  listAddenda(
    scope: OrganizationScope,
    leaseId: string,
    page: PageQueryDto,
  ): Promise<[LeaseAddendum[], number]> {
    return scope.manager.findAndCount(LeaseAddendum, {
      where: { organizationId: scope.organizationId, leaseId },
      order: { number: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  /** Called with the lease row locked, so numbers cannot collide. */
  async nextAddendumNumber(scope: OrganizationScope, leaseId: string): Promise<number> {
    const row = await scope.manager
      .createQueryBuilder(LeaseAddendum, 'a')
      .select('COALESCE(MAX(a.number), 0) + 1', 'next')
      .where('a.organization_id = :organizationId AND a.lease_id = :leaseId', {
        organizationId: scope.organizationId,
        leaseId,
      })
      .getRawOne<{ next: number }>();
    return Number(row?.next ?? 1);
  }

  createAddendum(scope: OrganizationScope, data: Partial<LeaseAddendum>): Promise<LeaseAddendum> {
    return scope.manager.save(
      scope.manager.create(LeaseAddendum, { ...data, organizationId: scope.organizationId }),
    );
  }
}

/**
 * What a resident sees: leases they signed (their person is the primary tenant or a co-tenant) and
 * leases of units they currently own. A later tenant of the same flat does not see earlier leases.
 */
function residentFilter(qb: SelectQueryBuilder<Lease>, userId: string): SelectQueryBuilder<Lease> {
  const people = qb
    .subQuery()
    .select('p.id')
    .from(Person, 'p')
    .where('p.organization_id = l.organization_id AND p.user_id = :residentUserId')
    .getQuery();
  const ownedUnits = qb
    .subQuery()
    .select('o.unit_id')
    .from(UnitOccupant, 'o')
    .where(`o.organization_id = l.organization_id AND o.relation = 'owner'`)
    .andWhere('o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)')
    .andWhere(`o.person_id IN ${people}`)
    .getQuery();
  return qb.andWhere(
    `(l.primary_tenant_id IN ${people}
      OR EXISTS (SELECT 1 FROM lease_co_tenants c WHERE c.organization_id = l.organization_id
                 AND c.lease_id = l.id AND c.person_id IN ${people})
      OR l.unit_id IN ${ownedUnits})`,
    { residentUserId: userId },
  );
}
