import { Injectable } from '@nestjs/common';
import { can, Permission } from '@ppt/auth';
import type { Fault, FaultComment, FaultStatus } from '@ppt/api-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
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
    private readonly tenant: TenantUnitOfWork,
    private readonly faults: FaultsRepository,
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
    private readonly residents: ResidentScope,
    private readonly vendors: VendorsService,
  ) {}

  list(t: Tenant, query: ListFaultsQueryDto): Promise<Page<FaultResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.faults.list(
        tx,
        query,
        can(t, Permission.FaultRead) ? undefined : t.userId,
      );
      return { items: items.map((f) => toResponse(f)), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<FaultResponse> {
    return this.tenant.run(t, async (tx) => {
      const fault = await this.visible(tx, t, id);
      return toResponse(fault, await this.faults.history(tx, id));
    });
  }

  /**
   * Staff report faults anywhere in the organisation; residents only in a unit they currently own or
   * live in, or in the common areas (no unit) of a building where they do. Anything else is 404, as if
   * the place did not exist.
   */
  report(t: Tenant, dto: CreateFaultDto, meta: RequestMeta): Promise<FaultResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        if (!can(t, Permission.FaultManage)) await this.checkResidentPlace(tx, t, dto.buildingId, dto.unitId);
        if (!(await this.buildings.findById(tx, dto.buildingId))) {
          throw new FaultError(FaultErrorCode.BuildingNotFound, 'Building not found');
        }
        if (dto.unitId) {
          const unit = await this.units.findById(tx, dto.unitId);
          if (!unit || unit.buildingId !== dto.buildingId)
            throw new FaultError(FaultErrorCode.UnitNotFound, 'Unit not found in this building');
        }
        const priority = dto.priority ?? 'normal';
        const fault = await this.faults.create(tx, {
          ...dto,
          priority,
          reporterUserId: t.userId,
          status: 'new',
          dueAt: dueAt(new Date(), priority),
        });
        await this.faults.addStatusChange(tx, {
          faultId: fault.id,
          fromStatus: null,
          toStatus: 'new',
          changedByUserId: t.userId,
          note: null,
        });
        await tx.auditChange({ type: 'fault', id: fault.id, verb: 'created' }, null, snapshot(fault));
        await tx.emit({
          type: 'fault.created',
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
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateFaultDto, meta: RequestMeta): Promise<FaultResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        this.requireStaff(t);
        const before = await this.faults.findForUpdate(tx, id);
        if (!before) throw notFound();
        if (dto.vendorId && !(await this.vendors.findById(tx, dto.vendorId))) {
          throw new FaultError(FaultErrorCode.VendorNotFound, 'Vendor not found');
        }
        if (dto.assigneeUserId) {
          const role = await this.faults.roleOf(tx, dto.assigneeUserId);
          if (!role || !can({ role }, Permission.FaultManage))
            throw new FaultError(
              FaultErrorCode.AssigneeNotStaff,
              'The assignee must be a staff member of this organisation',
            );
        }
        const changes: Partial<Fault> = { ...dto };
        if (dto.priority && dto.priority !== before.priority)
          changes.dueAt = dueAt(before.createdAt, dto.priority);
        await this.faults.update(tx, id, changes);
        const after = (await this.faults.findById(tx, id)) as Fault;
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
    return this.tenant.run(
      t,
      async (tx) => {
        this.requireStaff(t);
        const before = await this.faults.findForUpdate(tx, id);
        if (!before) throw notFound();
        if (!canTransition(before.status, to)) {
          throw new FaultError(
            FaultErrorCode.InvalidTransition,
            `A fault that is ${before.status} cannot become ${to}`,
          );
        }
        const now = new Date();
        await this.faults.update(tx, id, {
          status: to,
          resolvedAt: to === 'resolved' ? now : to === 'in_progress' ? null : before.resolvedAt,
          closedAt: to === 'closed' ? now : before.closedAt,
        });
        await this.faults.addStatusChange(tx, {
          faultId: id,
          fromStatus: before.status,
          toStatus: to,
          changedByUserId: t.userId,
          note: note ?? null,
        });
        const after = (await this.faults.findById(tx, id)) as Fault;
        await tx.auditChange({ type: 'fault', id, verb: 'updated' }, snapshot(before), snapshot(after));
        await tx.emit({
          type: 'fault.status_changed',
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
        return toResponse(after, await this.faults.history(tx, id));
      },
      meta,
    );
  }

  comments(t: Tenant, id: string, page: PageQueryDto): Promise<Page<FaultCommentResponse>> {
    return this.tenant.run(t, async (tx) => {
      await this.visible(tx, t, id);
      const [rows, total] = await this.faults.comments(tx, id, page);
      return { items: rows.map(toComment), total, limit: page.limit, offset: page.offset };
    });
  }

  /** Audited on the fault (`fault.commented`), so the fault's audit trail shows the conversation. */
  comment(t: Tenant, id: string, body: string, meta: RequestMeta): Promise<FaultCommentResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        await this.visible(tx, t, id);
        const comment = toComment(await this.faults.addComment(tx, id, t.userId, body));
        await tx.auditChange({ type: 'fault', id, verb: 'commented' }, null, comment);
        return comment;
      },
      meta,
    );
  }

  private async checkResidentPlace(
    tx: TenantTransaction,
    t: Tenant,
    buildingId: string,
    unitId: string | undefined,
  ): Promise<void> {
    const homes = (await this.residents.unitIds(tx.manager, t)) ?? [];
    if (unitId) {
      if (!homes.includes(unitId))
        throw new FaultError(FaultErrorCode.UnitNotFound, 'Unit not found in this building');
      return;
    }
    for (const home of homes) {
      if ((await this.units.findById(tx, home))?.buildingId === buildingId) return;
    }
    throw new FaultError(FaultErrorCode.BuildingNotFound, 'Building not found');
  }

  /** Staff see every fault; a resident only the ones they reported (others: 404). */
  private async visible(tx: TenantTransaction, t: Tenant, id: string): Promise<Fault> {
    const fault = await this.faults.findById(tx, id);
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
