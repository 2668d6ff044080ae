import { Injectable } from '@nestjs/common';
import { can, Permission } from '@ppt/auth';
import { type Fault, type FaultComment, type FaultStatus } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { BuildingsService } from '../buildings/buildings.service';
import { ResidentScope } from '../units/resident-scope';
import { UnitsService } from '../units/units.service';
import { VendorsService } from '../vendors/vendors.service';
import type {
  CreateFaultDto,
  FaultCommentResponse,
  FaultResponse,
  ListFaultsQueryDto,
  UpdateFaultDto,
} from './dto/fault.dto';
import { canTransition, dueAt } from './fault-rules';
import { FaultError, FaultErrorCode } from './faults.errors';
import { FaultsRepository } from './faults.repository';

/**
 * Faults: residents report them where they live and follow their own; staff triage, assign (a staff member or a vendor)
 * and move them through the enforced status flow. Every change is audited; `fault.created` and
 * `fault.status_changed` go out through the outbox in the same transaction.
 */
@Injectable()
export class FaultsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly unitOfWork: TenantUnitOfWork,
    private readonly faults: FaultsRepository,
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
    private readonly residents: ResidentScope,
    private readonly vendors: VendorsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
  ) {}

  list(t: Tenant, query: ListFaultsQueryDto): Promise<Page<FaultResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.faults.list(
        m,
        t.organizationId,
        query,
        can(t, Permission.FaultRead) ? undefined : t.userId,
      );
      return { items: items.map((f) => toResponse(f)), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<FaultResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const fault = await this.visible(m, t, id);
      return toResponse(fault, await this.faults.history(m, t.organizationId, id));
    });
  }

  /**
   * Staff report faults anywhere in the organisation; residents only in a unit they currently own or
   * live in, or in the common areas (no unit) of a building where they do. Anything else is 404, as if
   * the place did not exist.
   */
  report(t: Tenant, dto: CreateFaultDto, meta: RequestMeta): Promise<FaultResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!can(t, Permission.FaultManage)) await this.checkResidentPlace(m, t, dto.buildingId, dto.unitId);
      if (!(await this.buildings.findById(m, t.organizationId, dto.buildingId))) {
        throw new FaultError(FaultErrorCode.BuildingNotFound, 'Building not found');
      }
      if (dto.unitId) {
        const unit = await this.units.findById(m, t.organizationId, dto.unitId);
        if (!unit || unit.buildingId !== dto.buildingId)
          throw new FaultError(FaultErrorCode.UnitNotFound, 'Unit not found in this building');
      }
      const priority = dto.priority ?? 'normal';
      const fault = await this.faults.create(m, t.organizationId, {
        ...dto,
        priority,
        reporterUserId: t.userId,
        status: 'new',
        dueAt: dueAt(new Date(), priority),
      });
      await this.faults.addStatusChange(m, t.organizationId, {
        faultId: fault.id,
        fromStatus: null,
        toStatus: 'new',
        changedByUserId: t.userId,
        note: null,
      });
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'fault', id: fault.id, verb: 'created' },
        null,
        snapshot(fault),
      );
      await this.outbox.write(m, {
        type: 'fault.created',
        organizationId: t.organizationId,
        aggregateId: fault.id,
        aggregateVersion: fault.version,
        payload: {
          faultId: fault.id,
          buildingId: fault.buildingId,
          unitId: fault.unitId,
          priority: fault.priority,
          title: fault.title,
          reporterUserId: fault.reporterUserId,
        },
      });
      return toResponse(fault);
    });
  }

  update(t: Tenant, id: string, dto: UpdateFaultDto, meta: RequestMeta): Promise<FaultResponse> {
    return this.unitOfWork.run(
      t,
      async (tx) => {
        this.requireStaff(t);
        const before = await this.faults.findForUpdate(tx.manager, tx.organizationId, id);
        if (!before) throw notFound();
        if (dto.vendorId && !(await this.vendors.findById(tx, dto.vendorId))) {
          throw new FaultError(FaultErrorCode.VendorNotFound, 'Vendor not found');
        }
        if (dto.assigneeUserId) {
          const role = await this.faults.roleOf(tx.manager, tx.organizationId, dto.assigneeUserId);
          if (!role || !can({ role }, Permission.FaultManage))
            throw new FaultError(
              FaultErrorCode.AssigneeNotStaff,
              'The assignee must be a staff member of this organisation',
            );
        }
        const changes: Partial<Fault> = { ...dto };
        if (dto.priority && dto.priority !== before.priority)
          changes.dueAt = dueAt(before.createdAt, dto.priority);
        await this.faults.update(tx.manager, tx.organizationId, id, changes);
        const after = (await this.faults.findById(tx.manager, tx.organizationId, id)) as Fault;
        await tx.auditChange({ type: 'fault', id, verb: 'updated' }, snapshot(before), snapshot(after));
        if (after.assigneeUserId && after.assigneeUserId !== before.assigneeUserId) {
          await tx.emit({
            type: 'fault.assigned',
            aggregateId: id,
            aggregateVersion: after.version,
            payload: { faultId: id, assigneeUserId: after.assigneeUserId, assignedBy: t.userId },
          });
        }
        return toResponse(after);
      },
      meta,
    );
  }

  changeStatus(
    t: Tenant,
    id: string,
    to: FaultStatus,
    note: string | undefined,
    meta: RequestMeta,
  ): Promise<FaultResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      this.requireStaff(t);
      const before = await this.faults.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      if (!canTransition(before.status, to)) {
        throw new FaultError(
          FaultErrorCode.InvalidTransition,
          `A fault that is ${before.status} cannot become ${to}`,
        );
      }
      const now = new Date();
      await this.faults.update(m, t.organizationId, id, {
        status: to,
        resolvedAt: to === 'resolved' ? now : to === 'in_progress' ? null : before.resolvedAt,
        closedAt: to === 'closed' ? now : before.closedAt,
      });
      await this.faults.addStatusChange(m, t.organizationId, {
        faultId: id,
        fromStatus: before.status,
        toStatus: to,
        changedByUserId: t.userId,
        note: note ?? null,
      });
      const after = (await this.faults.findById(m, t.organizationId, id)) as Fault;
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'fault', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      await this.outbox.write(m, {
        type: 'fault.status_changed',
        organizationId: t.organizationId,
        aggregateId: id,
        aggregateVersion: after.version,
        payload: {
          faultId: id,
          buildingId: after.buildingId,
          unitId: after.unitId,
          from: before.status,
          to,
          changedBy: t.userId,
          reporterUserId: after.reporterUserId,
        },
      });
      return toResponse(after, await this.faults.history(m, t.organizationId, id));
    });
  }

  comments(t: Tenant, id: string, page: PageQueryDto): Promise<Page<FaultCommentResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.visible(m, t, id);
      const [rows, total] = await this.faults.comments(m, t.organizationId, id, page);
      return { items: rows.map(toComment), total, limit: page.limit, offset: page.offset };
    });
  }

  /** Audited on the fault (`fault.commented`), so the fault's audit trail shows the conversation. */
  comment(t: Tenant, id: string, body: string, meta: RequestMeta): Promise<FaultCommentResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.visible(m, t, id);
      const comment = toComment(await this.faults.addComment(m, t.organizationId, id, t.userId, body));
      await this.audit.recordChange(m, t, meta, { type: 'fault', id, verb: 'commented' }, null, comment);
      return comment;
    });
  }

  private async checkResidentPlace(
    m: EntityManager,
    t: Tenant,
    buildingId: string,
    unitId: string | undefined,
  ): Promise<void> {
    const homes = (await this.residents.unitIds(m, t)) ?? [];
    if (unitId) {
      if (!homes.includes(unitId))
        throw new FaultError(FaultErrorCode.UnitNotFound, 'Unit not found in this building');
      return;
    }
    for (const home of homes) {
      if ((await this.units.findById(m, t.organizationId, home))?.buildingId === buildingId) return;
    }
    throw new FaultError(FaultErrorCode.BuildingNotFound, 'Building not found');
  }

  /** Staff see every fault; a resident only the ones they reported (others: 404). */
  private async visible(m: EntityManager, t: Tenant, id: string): Promise<Fault> {
    const fault = await this.faults.findById(m, t.organizationId, id);
    if (!fault || !can(t, Permission.FaultRead, { ownerUserId: fault.reporterUserId })) throw notFound();
    return fault;
  }

  private requireStaff(t: Tenant): void {
    if (!can(t, Permission.FaultManage))
      throw new FaultError(FaultErrorCode.StaffOnly, 'Only managers and technical staff can change a fault');
  }
}

function notFound(): FaultError {
  return new FaultError(FaultErrorCode.NotFound, 'Fault not found');
}

function snapshot(f: Fault): Record<string, unknown> {
  const { organization: _o, building: _b, unit: _u, reporter: _r, assignee: _a, vendor: _v, ...fields } = f;
  return fields;
}

function toResponse(
  f: Fault,
  history?: {
    fromStatus: FaultStatus | null;
    toStatus: FaultStatus;
    changedByUserId: string | null;
    note: string | null;
    createdAt: Date;
  }[],
): FaultResponse {
  const open = f.status === 'new' || f.status === 'triaged' || f.status === 'in_progress';
  return {
    id: f.id,
    buildingId: f.buildingId,
    unitId: f.unitId,
    reporterUserId: f.reporterUserId,
    title: f.title,
    description: f.description,
    category: f.category,
    priority: f.priority,
    status: f.status,
    assigneeUserId: f.assigneeUserId,
    vendorId: f.vendorId,
    dueAt: f.dueAt,
    overdue: open && f.dueAt.getTime() < Date.now(),
    resolvedAt: f.resolvedAt,
    closedAt: f.closedAt,
    version: f.version,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    ...(history
      ? {
          statusHistory: history.map(({ fromStatus, toStatus, changedByUserId, note, createdAt }) => ({
            fromStatus,
            toStatus,
            changedByUserId,
            note,
            createdAt,
          })),
        }
      : {}),
  };
}

function toComment(c: FaultComment): FaultCommentResponse {
  return { id: c.id, authorUserId: c.authorUserId, body: c.body, createdAt: c.createdAt };
}
