import { Injectable } from '@nestjs/common';
import { TenantTransactions, type Unit } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '../../common/page.dto';
import type { RequestMeta } from '../../common/request-meta';
import type { Tenant } from '../../common/tenant';
import { AuditService } from '../audit/audit.service';
import { BuildingsRepository } from '../buildings/buildings.repository';
import type { CreateUnitDto, ListUnitsQueryDto, UnitResponse, UpdateUnitDto } from './dto/unit.dto';
import { UnitError, UnitErrorCode } from './units.errors';
import { UnitsRepository } from './units.repository';

/** Units of the caller's organisation; numbers are unique per building; every change is audited. */
@Injectable()
export class UnitsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly units: UnitsRepository,
    private readonly buildings: BuildingsRepository,
    private readonly audit: AuditService,
  ) {}

  list(t: Tenant, query: ListUnitsQueryDto): Promise<Page<UnitResponse>> {
    return this.run(t, async (m) => {
      const [items, total] = await this.units.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<UnitResponse> {
    return this.run(t, async (m) => toResponse(await this.mustFind(m, t, id)));
  }

  create(t: Tenant, dto: CreateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.run(t, async (m) => {
      // Lock the building so it cannot be deleted or archived while a unit is added to it.
      const building = await this.buildings.findForUpdate(m, t.organizationId, dto.buildingId);
      if (!building) throw new UnitError(UnitErrorCode.BuildingNotFound, 'Building not found');
      if (building.archivedAt)
        throw new UnitError(UnitErrorCode.BuildingArchived, 'The building is archived');
      const unit = await this.units.create(m, t.organizationId, dto).catch(numberTaken);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id: unit.id, verb: 'created' },
        null,
        snapshot(unit),
      );
      return toResponse(unit);
    });
  }

  update(t: Tenant, id: string, dto: UpdateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.run(t, async (m) => {
      const before = await this.units.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.units.update(m, t.organizationId, id, dto).catch(numberTaken);
      const after = await this.mustFind(m, t, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.run(t, async (m) => {
      const before = await this.units.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.units.delete(m, t.organizationId, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string): Promise<Unit> {
    const unit = await this.units.findById(m, t.organizationId, id);
    if (!unit) throw notFound();
    return unit;
  }

  private run<T>(t: Tenant, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.tenant.run({ organizationId: t.organizationId, userId: t.userId }, work);
  }
}

function notFound(): UnitError {
  return new UnitError(UnitErrorCode.NotFound, 'Unit not found');
}

function numberTaken(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'uq_units_org_building_number') {
    throw new UnitError(UnitErrorCode.NumberTaken, 'A unit with this number already exists in the building');
  }
  throw err;
}

function snapshot(u: Unit): Record<string, unknown> {
  const { organization: _o, building: _b, ...fields } = u;
  return fields;
}

function toResponse(u: Unit): UnitResponse {
  return {
    id: u.id,
    buildingId: u.buildingId,
    number: u.number,
    floor: u.floor,
    areaM2: u.areaM2,
    rooms: u.rooms,
    type: u.type,
    ownershipShareNumerator: u.ownershipShareNumerator,
    ownershipShareDenominator: u.ownershipShareDenominator,
    status: u.status,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}
