import { Injectable } from '@nestjs/common';
import { TenantTransactions, type Lease } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import type { EntityManager } from 'typeorm';
import type { Page } from '../../common/page.dto';
import type { RequestMeta } from '../../common/request-meta';
import { scopeOf, type Tenant } from '../../common/tenant';
import { AuditService } from '../audit/audit.service';
import { PeopleRepository } from '../people/people.repository';
import type { CreateLeaseDto, LeaseResponse, ListLeasesQueryDto, UpdateLeaseDto } from './dto/lease.dto';
import { canTransition } from './lease-status';
import { LeaseError, LeaseErrorCode } from './leases.errors';
import { LeasesRepository } from './leases.repository';
import { UnitsRepository } from '../units/units.repository';

/**
 * Leases: drafted, activated (no two active leases of a unit overlap — the database's exclusion
 * constraint decides, so concurrent activations cannot both win), terminated. Every change is
 * audited; activation emits `lease.activated` through the outbox in the same transaction.
 */
@Injectable()
export class LeasesService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly leases: LeasesRepository,
    private readonly units: UnitsRepository,
    private readonly people: PeopleRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
  ) {}

  list(t: Tenant, query: ListLeasesQueryDto): Promise<Page<LeaseResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.leases.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<LeaseResponse> {
    return this.tenant.run(scopeOf(t), async (m) => toResponse(await this.mustFind(m, t, id)));
  }

  create(t: Tenant, dto: CreateLeaseDto, meta: RequestMeta): Promise<LeaseResponse> {
    checkDates(dto.startDate, dto.endDate);
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.units.findById(m, t.organizationId, dto.unitId)))
        throw new LeaseError(LeaseErrorCode.UnitNotFound, 'Unit not found');
      await this.checkTenant(m, t, dto.primaryTenantId);
      const lease = await this.leases
        .create(m, t.organizationId, { ...dto, status: 'draft' })
        .catch(numberTaken);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'lease', id: lease.id, verb: 'created' },
        null,
        snapshot(lease),
      );
      return toResponse(lease);
    });
  }

  update(t: Tenant, id: string, dto: UpdateLeaseDto, meta: RequestMeta): Promise<LeaseResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.lockDraft(m, t, id);
      checkDates(dto.startDate ?? before.startDate, dto.endDate ?? before.endDate ?? undefined);
      if (dto.primaryTenantId) await this.checkTenant(m, t, dto.primaryTenantId);
      await this.leases.update(m, t.organizationId, id, dto).catch(numberTaken);
      const after = await this.mustFind(m, t, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'lease', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  activate(t: Tenant, id: string, meta: RequestMeta): Promise<LeaseResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.transition(m, t, id, 'active');
      await this.leases.update(m, t.organizationId, id, { status: 'active' }).catch((err: unknown) => {
        if ((err as { constraint?: string }).constraint === 'ex_leases_active_overlap') {
          throw new LeaseError(LeaseErrorCode.Overlap, 'The unit already has an active lease in this period');
        }
        throw err;
      });
      const after = await this.mustFind(m, t, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'lease', id, verb: 'activated' },
        snapshot(before),
        snapshot(after),
      );
      await this.outbox.write(m, {
        type: 'lease.activated',
        organizationId: t.organizationId,
        aggregateId: id,
        aggregateVersion: after.version,
        payload: { leaseId: id, unitId: after.unitId, startDate: after.startDate, endDate: after.endDate },
      });
      return toResponse(after);
    });
  }

  terminate(t: Tenant, id: string, endDate: string, meta: RequestMeta): Promise<LeaseResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.transition(m, t, id, 'terminated');
      checkDates(before.startDate, endDate);
      await this.leases.update(m, t.organizationId, id, {
        status: 'terminated',
        endDate,
        terminatedAt: endDate,
      });
      const after = await this.mustFind(m, t, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'lease', id, verb: 'terminated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  private async transition(m: EntityManager, t: Tenant, id: string, to: Lease['status']): Promise<Lease> {
    const lease = await this.leases.findForUpdate(m, t.organizationId, id);
    if (!lease) throw notFound();
    if (!canTransition(lease.status, to)) {
      throw new LeaseError(LeaseErrorCode.InvalidTransition, `A ${lease.status} lease cannot become ${to}`);
    }
    return lease;
  }

  private async lockDraft(m: EntityManager, t: Tenant, id: string): Promise<Lease> {
    const lease = await this.leases.findForUpdate(m, t.organizationId, id);
    if (!lease) throw notFound();
    if (lease.status !== 'draft')
      throw new LeaseError(
        LeaseErrorCode.NotDraft,
        'Only a draft lease can be edited; add an addendum instead',
      );
    return lease;
  }

  private async checkTenant(m: EntityManager, t: Tenant, personId: string): Promise<void> {
    if (!(await this.people.findById(m, t.organizationId, personId)))
      throw new LeaseError(LeaseErrorCode.TenantNotFound, 'Person not found');
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string): Promise<Lease> {
    const lease = await this.leases.findById(m, t.organizationId, id);
    if (!lease) throw notFound();
    return lease;
  }
}

function checkDates(start: string, end: string | undefined): void {
  if (end && end < start)
    throw new LeaseError(LeaseErrorCode.InvalidDates, 'The end date is before the start date');
}

function notFound(): LeaseError {
  return new LeaseError(LeaseErrorCode.NotFound, 'Lease not found');
}

function numberTaken(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'uq_leases_org_number') {
    throw new LeaseError(LeaseErrorCode.NumberTaken, 'A lease with this number already exists');
  }
  throw err;
}

function snapshot(l: Lease): Record<string, unknown> {
  const { organization: _o, unit: _u, primaryTenant: _p, ...fields } = l;
  return fields;
}

function toResponse(l: Lease): LeaseResponse {
  return {
    id: l.id,
    unitId: l.unitId,
    primaryTenantId: l.primaryTenantId,
    leaseNumber: l.leaseNumber,
    startDate: l.startDate,
    endDate: l.endDate,
    rentAmount: l.rentAmount,
    depositAmount: l.depositAmount,
    currency: l.currency,
    paymentDay: l.paymentDay,
    status: l.status,
    version: l.version,
    terminatedAt: l.terminatedAt,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  };
}
