import { Injectable } from '@nestjs/common';
import { grantOf, Permission } from '@ppt/auth';
import type { OrganizationScope } from '@ppt/db';
import type { Lease, LeaseAddendum, LeaseAddendumChanges } from '@ppt/api-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { PeopleService } from '../people/people.service';
import { UnitsService } from '../units/units.service';
import type {
  AddendumResponse,
  CreateAddendumDto,
  CreateLeaseDto,
  LeaseResponse,
  ListLeasesQueryDto,
  UpdateLeaseDto,
} from './dto/lease.dto';
import { canTransition } from './lease-status';
import { LeaseError, LeaseErrorCode } from './leases.errors';
import { LeasesRepository } from './leases.repository';

const AMENDABLE_TERMS = ['rentAmount', 'depositAmount', 'paymentDay', 'endDate', 'coTenantIds'] as const;

/**
 * Leases: drafted, activated, amended by numbered addenda, terminated. A lease holds its unit from
 * start to end date whatever its status but draft — a terminated lease until the termination takes
 * effect — and no two such leases of a unit overlap (the database's exclusion constraint decides, so
 * concurrent activations cannot both win). Every change is audited; activation and addenda emit events through the outbox in the
 * same transaction.
 */
@Injectable()
export class LeasesService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly leases: LeasesRepository,
    private readonly units: UnitsService,
    private readonly people: PeopleService,
  ) {}

  /** A lease inside the caller's transaction (RLS: the caller's organisation only), for other contexts. */
  findById(scope: OrganizationScope, id: string): Promise<Lease | null> {
    return this.leases.findById(scope, id);
  }

  list(t: Tenant, query: ListLeasesQueryDto): Promise<Page<LeaseResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.leases.list(tx, query, residentOf(t));
      const coTenants = await this.leases.coTenantIds(
        tx,
        items.map((l) => l.id),
      );
      return {
        items: items.map((l) => toResponse(l, coTenants.get(l.id) ?? [])),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<LeaseResponse> {
    return this.tenant.run(t, async (tx) => this.load(tx, await this.mustSee(tx, t, id)));
  }

  create(t: Tenant, dto: CreateLeaseDto, meta: RequestMeta): Promise<LeaseResponse> {
    checkDates(dto.startDate, dto.endDate);
    const { coTenantIds = [], ...fields } = dto;
    return this.tenant.run(
      t,
      async (tx) => {
        if (!(await this.units.findById(tx, dto.unitId)))
          throw new LeaseError(LeaseErrorCode.UnitNotFound, 'Unit not found');
        await this.checkParties(tx, dto.primaryTenantId, coTenantIds);
        const lease = await this.leases.create(tx, { ...fields, status: 'draft' }).catch(numberTaken);
        await this.leases.replaceCoTenants(tx, lease.id, coTenantIds);
        const after = await this.load(tx, lease);
        await tx.auditChange({ type: 'lease', id: lease.id, verb: 'created' }, null, snapshot(after));
        return after;
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateLeaseDto, meta: RequestMeta): Promise<LeaseResponse> {
    const { coTenantIds, ...fields } = dto;
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.load(tx, await this.lockDraft(tx, id));
        checkDates(dto.startDate ?? before.startDate, dto.endDate ?? before.endDate ?? undefined);
        await this.checkParties(
          tx,
          dto.primaryTenantId ?? before.primaryTenantId,
          coTenantIds ?? before.coTenantIds,
          dto.primaryTenantId !== undefined,
        );
        await this.leases.update(tx, id, fields).catch(numberTaken);
        if (coTenantIds) await this.leases.replaceCoTenants(tx, id, coTenantIds);
        const after = await this.load(tx, await this.mustFind(tx, id));
        await tx.auditChange({ type: 'lease', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return after;
      },
      meta,
    );
  }

  activate(t: Tenant, id: string, meta: RequestMeta): Promise<LeaseResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.load(tx, await this.transition(tx, id, 'active'));
        await this.leases.update(tx, id, { status: 'active' }).catch(overlapping);
        const after = await this.load(tx, await this.mustFind(tx, id));
        await tx.auditChange({ type: 'lease', id, verb: 'activated' }, snapshot(before), snapshot(after));
        await tx.emit({
          type: 'lease.activated',
          aggregateId: id,
          aggregateVersion: after.version,
          payload: { leaseId: id, unitId: after.unitId, startDate: after.startDate, endDate: after.endDate },
        });
        return after;
      },
      meta,
    );
  }

  terminate(t: Tenant, id: string, endDate: string, meta: RequestMeta): Promise<LeaseResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.load(tx, await this.transition(tx, id, 'terminated'));
        checkDates(before.startDate, endDate);
        if (before.endDate && endDate > before.endDate) {
          throw new LeaseError(
            LeaseErrorCode.InvalidDates,
            `A termination cannot extend the lease past its end (${before.endDate}); add an addendum instead`,
          );
        }
        await this.leases.update(tx, id, { status: 'terminated', endDate, terminatedAt: endDate });
        const after = await this.load(tx, await this.mustFind(tx, id));
        await tx.auditChange({ type: 'lease', id, verb: 'terminated' }, snapshot(before), snapshot(after));
        return after;
      },
      meta,
    );
  }

  listAddenda(t: Tenant, id: string, page: PageQueryDto): Promise<Page<AddendumResponse>> {
    return this.tenant.run(t, async (tx) => {
      await this.mustSee(tx, t, id);
      const [items, total] = await this.leases.listAddenda(tx, id, page);
      return { items: items.map(toAddendum), total, limit: page.limit, offset: page.offset };
    });
  }

  /**
   * Changes the terms of an active lease. The lease keeps the current terms; the addendum records
   * what changed, from when, and the terms before. A new end date must not overlap another active
   * lease of the unit (409 LEASE_OVERLAP, decided by the exclusion constraint).
   */
  addAddendum(t: Tenant, id: string, dto: CreateAddendumDto, meta: RequestMeta): Promise<AddendumResponse> {
    const { effectiveFrom, description, ...terms } = dto;
    const changes = pickTerms(terms);
    if (Object.keys(changes).length === 0) {
      throw new LeaseError(LeaseErrorCode.EmptyAddendum, 'An addendum must change at least one term');
    }
    return this.tenant.run(
      t,
      async (tx) => {
        const locked = await this.leases.findForUpdate(tx, id);
        if (!locked) throw notFound();
        if (locked.status !== 'active') {
          throw new LeaseError(
            LeaseErrorCode.NotActive,
            `Only an active lease takes addenda (this one is ${locked.status})`,
          );
        }
        const before = await this.load(tx, locked);
        if (effectiveFrom < before.startDate) {
          throw new LeaseError(
            LeaseErrorCode.InvalidDates,
            'The addendum cannot apply before the lease starts',
          );
        }
        if (changes.endDate !== undefined) checkDates(before.startDate, changes.endDate ?? undefined);
        if (changes.coTenantIds) await this.checkParties(tx, before.primaryTenantId, changes.coTenantIds);

        const { coTenantIds, ...columns } = changes;
        await this.leases.update(tx, id, columns).catch(overlapping);
        if (coTenantIds) await this.leases.replaceCoTenants(tx, id, coTenantIds);
        const addendum = await this.leases.createAddendum(tx, {
          leaseId: id,
          number: await this.leases.nextAddendumNumber(tx, id),
          effectiveFrom,
          description,
          changes,
          previous: pickTerms(before, Object.keys(changes)),
          createdByUserId: t.userId,
        });
        const after = await this.load(tx, await this.mustFind(tx, id));
        await tx.auditChange({ type: 'lease', id, verb: 'amended' }, snapshot(before), snapshot(after));
        await tx.emit({
          type: 'lease.amended',
          aggregateId: id,
          aggregateVersion: after.version,
          payload: {
            leaseId: id,
            unitId: after.unitId,
            addendumNumber: addendum.number,
            effectiveFrom,
            changes: { ...changes },
          },
        });
        return toAddendum(addendum);
      },
      meta,
    );
  }

  private async transition(tx: TenantTransaction, id: string, to: Lease['status']): Promise<Lease> {
    const lease = await this.leases.findForUpdate(tx, id);
    if (!lease) throw notFound();
    if (!canTransition(lease.status, to)) {
      throw new LeaseError(LeaseErrorCode.InvalidTransition, `A ${lease.status} lease cannot become ${to}`);
    }
    return lease;
  }

  private async lockDraft(tx: TenantTransaction, id: string): Promise<Lease> {
    const lease = await this.leases.findForUpdate(tx, id);
    if (!lease) throw notFound();
    if (lease.status !== 'draft')
      throw new LeaseError(
        LeaseErrorCode.NotDraft,
        'Only a draft lease can be edited; add an addendum instead',
      );
    return lease;
  }

  /** The primary tenant and co-tenants exist in the organisation and are distinct people. */
  private async checkParties(
    tx: TenantTransaction,
    primaryTenantId: string,
    coTenantIds: string[],
    checkPrimary = true,
  ): Promise<void> {
    if (coTenantIds.includes(primaryTenantId)) {
      throw new LeaseError(LeaseErrorCode.CoTenantIsPrimary, 'The primary tenant cannot also be a co-tenant');
    }
    const ids = checkPrimary ? [primaryTenantId, ...coTenantIds] : coTenantIds;
    const found = await this.people.existingIds(tx, ids);
    if (found.size !== new Set(ids).size)
      throw new LeaseError(LeaseErrorCode.TenantNotFound, 'Person not found');
  }

  /** Owners and tenants see only leases they are party to or of units they own; others get 404. */
  private async mustSee(tx: TenantTransaction, t: Tenant, id: string): Promise<Lease> {
    const resident = residentOf(t);
    const lease = resident
      ? await this.leases.findVisibleToResident(tx, id, resident)
      : await this.leases.findById(tx, id);
    if (!lease) throw notFound();
    return lease;
  }

  private async mustFind(tx: TenantTransaction, id: string): Promise<Lease> {
    const lease = await this.leases.findById(tx, id);
    if (!lease) throw notFound();
    return lease;
  }

  private async load(tx: TenantTransaction, lease: Lease): Promise<LeaseResponse> {
    const coTenants = await this.leases.coTenantIds(tx, [lease.id]);
    return toResponse(lease, coTenants.get(lease.id) ?? []);
  }
}

/** Roles with an `own` LeaseRead grant read leases only as a party to them (or as the unit's owner). */
function residentOf(t: Tenant): string | undefined {
  return grantOf(t, Permission.LeaseRead) === 'own' ? t.userId : undefined;
}

/** The amendable terms present in `source` (all of them, or only `keys`). */
function pickTerms(
  source: LeaseAddendumChanges,
  keys: readonly string[] = AMENDABLE_TERMS,
): LeaseAddendumChanges {
  const picked: Record<string, unknown> = {};
  for (const key of AMENDABLE_TERMS) {
    const value = source[key];
    if (keys.includes(key) && value !== undefined) picked[key] = value;
  }
  return picked as LeaseAddendumChanges;
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

function overlapping(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'ex_leases_unit_held_overlap') {
    throw new LeaseError(
      LeaseErrorCode.Overlap,
      'Another lease holds the unit on some of these days (an active one, or a terminated one until its end)',
    );
  }
  throw err;
}

function snapshot(l: LeaseResponse): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...fields } = l;
  return fields;
}

function toResponse(l: Lease, coTenantIds: string[]): LeaseResponse {
  return {
    id: l.id,
    unitId: l.unitId,
    primaryTenantId: l.primaryTenantId,
    coTenantIds,
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

function toAddendum(a: LeaseAddendum): AddendumResponse {
  return {
    id: a.id,
    leaseId: a.leaseId,
    number: a.number,
    effectiveFrom: a.effectiveFrom,
    description: a.description,
    changes: a.changes,
    previous: a.previous,
    createdByUserId: a.createdByUserId,
    createdAt: a.createdAt,
  };
}
