import { Injectable } from '@nestjs/common';
import { type MembershipRole, type OrganizationScope, TenantRepository } from '@ppt/db';
import { Fault, FaultComment, FaultStatusChange, Membership } from '@ppt/api-db';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListFaultsQueryDto } from './dto/fault.dto';

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'f.created_at',
  dueAt: 'f.due_at',
  priority: "array_position(ARRAY['low','normal','high','urgent']::fault_priority[], f.priority)",
};
const OPEN = ['new', 'triaged', 'in_progress'];

/**
 * Faults of one organisation with their history and comments: findById, findForUpdate, create and update
 * (which raises the version) come from TenantRepository; every method takes the scope (RLS backs it up).
 */
@Injectable()
export class FaultsRepository extends TenantRepository<Fault> {
  constructor() {
    super(Fault, { versioned: true });
  }

  list(scope: OrganizationScope, f: ListFaultsQueryDto, reporterUserId?: string): Promise<[Fault[], number]> {
    const qb = scope.manager
      .createQueryBuilder(Fault, 'f')
      .where('f.organization_id = :organizationId', { organizationId: scope.organizationId });
    if (reporterUserId) qb.andWhere('f.reporter_user_id = :reporterUserId', { reporterUserId });
    if (f.status) qb.andWhere('f.status = :status', { status: f.status });
    if (f.priority) qb.andWhere('f.priority = :priority', { priority: f.priority });
    if (f.buildingId) qb.andWhere('f.building_id = :buildingId', { buildingId: f.buildingId });
    if (f.unitId) qb.andWhere('f.unit_id = :unitId', { unitId: f.unitId });
    if (f.assigneeUserId)
      qb.andWhere('f.assignee_user_id = :assigneeUserId', { assigneeUserId: f.assigneeUserId });
    if (f.overdue) qb.andWhere('f.status IN (:...open) AND f.due_at < now()', { open: OPEN });
    if (f.q) qb.andWhere('(f.title ILIKE :q OR f.description ILIKE :q)', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    qb.orderBy(SORT_COLUMNS[field], direction).addOrderBy('f.id', 'ASC').limit(f.limit).offset(f.offset);
    return qb.getManyAndCount();
  }

  async addStatusChange(
    scope: OrganizationScope,
    change: Omit<FaultStatusChange, 'id' | 'organizationId' | 'createdAt'>,
  ): Promise<void> {
    await scope.manager.insert(FaultStatusChange, { ...change, organizationId: scope.organizationId });
  }

  history(scope: OrganizationScope, faultId: string): Promise<FaultStatusChange[]> {
    return scope.manager.find(FaultStatusChange, {
      where: { organizationId: scope.organizationId, faultId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  addComment(
    scope: OrganizationScope,
    faultId: string,
    authorUserId: string,
    body: string,
  ): Promise<FaultComment> {
    return scope.manager.save(
      scope.manager.create(FaultComment, {
        organizationId: scope.organizationId,
        faultId,
        authorUserId,
        body,
      }),
    );
  }

  comments(
    scope: OrganizationScope,
    faultId: string,
    page: { limit: number; offset: number },
  ): Promise<[FaultComment[], number]> {
    return scope.manager.findAndCount(FaultComment, {
      where: { organizationId: scope.organizationId, faultId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  async roleOf(scope: OrganizationScope, userId: string): Promise<MembershipRole | null> {
    const membership = await scope.manager.findOneBy(Membership, {
      organizationId: scope.organizationId,
      userId,
    });
    return membership?.role ?? null;
  }
}
