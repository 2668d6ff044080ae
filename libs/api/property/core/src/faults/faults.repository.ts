import { Injectable } from '@nestjs/common';
import { Fault, FaultComment, FaultStatusChange, Membership } from '@ppt/api-db';
import { type MembershipRole } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListFaultsQueryDto } from './dto/fault.dto';

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'f.created_at',
  dueAt: 'f.due_at',
  priority: "array_position(ARRAY['low','normal','high','urgent']::fault_priority[], f.priority)",
};
const OPEN = ['new', 'triaged', 'in_progress'];

/** Faults of one organisation with their history and comments (every method takes it; RLS backs it up). */
@Injectable()
export class FaultsRepository {
  list(
    m: EntityManager,
    organizationId: string,
    f: ListFaultsQueryDto,
    reporterUserId?: string,
  ): Promise<[Fault[], number]> {
    const qb = m
      .createQueryBuilder(Fault, 'f')
      .where('f.organization_id = :organizationId', { organizationId });
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

  findById(m: EntityManager, organizationId: string, id: string): Promise<Fault | null> {
    return m.findOneBy(Fault, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Fault | null> {
    return m.findOne(Fault, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Fault>): Promise<Fault> {
    return m.save(m.create(Fault, { ...data, organizationId }));
  }

  async update(m: EntityManager, organizationId: string, id: string, changes: Partial<Fault>): Promise<void> {
    await m.update(Fault, { organizationId, id }, { ...changes, version: () => 'version + 1' });
  }

  async addStatusChange(
    m: EntityManager,
    organizationId: string,
    change: Omit<FaultStatusChange, 'id' | 'organizationId' | 'createdAt'>,
  ): Promise<void> {
    await m.insert(FaultStatusChange, { ...change, organizationId });
  }

  history(m: EntityManager, organizationId: string, faultId: string): Promise<FaultStatusChange[]> {
    return m.find(FaultStatusChange, {
      where: { organizationId, faultId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  addComment(
    m: EntityManager,
    organizationId: string,
    faultId: string,
    authorUserId: string,
    body: string,
  ): Promise<FaultComment> {
    return m.save(m.create(FaultComment, { organizationId, faultId, authorUserId, body }));
  }

  comments(
    m: EntityManager,
    organizationId: string,
    faultId: string,
    page: { limit: number; offset: number },
  ): Promise<[FaultComment[], number]> {
    return m.findAndCount(FaultComment, {
      where: { organizationId, faultId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  roleOf(m: EntityManager, organizationId: string, userId: string): Promise<MembershipRole | null> {
    return m.findOneBy(Membership, { organizationId, userId }).then((mm) => mm?.role ?? null);
  }
}
