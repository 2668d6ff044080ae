import { Injectable } from '@nestjs/common';
import { type Inspection } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { BuildingsService } from '../buildings/buildings.service';
import { UnitsService } from '../units/units.service';
import type {
  CreateInspectionDto,
  InspectionResponse,
  ListInspectionsQueryDto,
  UpdateInspectionDto,
} from './dto/inspection.dto';
import { InspectionError, InspectionErrorCode } from './inspections.errors';
import { InspectionsRepository } from './inspections.repository';

/**
 * Inspections with rated items; the inspector is the caller. Created, corrected and deleted by staff,
 * each in one transaction and audited.
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly inspections: InspectionsRepository,
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
    private readonly audit: AuditService,
  ) {}

  list(t: Tenant, query: ListInspectionsQueryDto): Promise<Page<InspectionResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.inspections.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<InspectionResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const inspection = await this.inspections.findById(m, t.organizationId, id);
      if (!inspection) throw notFound();
      return toResponse(inspection);
    });
  }

  create(t: Tenant, dto: CreateInspectionDto, meta: RequestMeta): Promise<InspectionResponse> {
    checkNotFuture(dto.inspectedOn);
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.checkPlace(m, t, dto.buildingId, dto.unitId ?? null);
      const inspection = await this.inspections.create(
        m,
        t.organizationId,
        {
          buildingId: dto.buildingId,
          unitId: dto.unitId ?? null,
          inspectedOn: dto.inspectedOn,
          summary: dto.summary ?? null,
          inspectorUserId: t.userId,
        },
        dto.items.map((i) => ({ area: i.area, rating: i.rating, notes: i.notes ?? null })),
      );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'inspection', id: inspection.id, verb: 'created' },
        null,
        {
          buildingId: dto.buildingId,
          unitId: dto.unitId ?? null,
          inspectedOn: dto.inspectedOn,
          items: dto.items.length,
        },
      );
      return toResponse(inspection);
    });
  }

  /** Corrects an inspection; `items`, when given, replace the list. The unit must stay in the building. */
  update(t: Tenant, id: string, dto: UpdateInspectionDto, meta: RequestMeta): Promise<InspectionResponse> {
    if (dto.inspectedOn) checkNotFuture(dto.inspectedOn);
    return this.tenant.run(scopeOf(t), async (m) => {
      const locked = await this.inspections.findForUpdate(m, t.organizationId, id);
      if (!locked) throw notFound();
      const before = toResponse((await this.inspections.findById(m, t.organizationId, id)) as Inspection);
      const buildingId = dto.buildingId ?? before.buildingId;
      // A new building without a unit means the whole building; a unit left as it was must follow it.
      const unitId =
        dto.unitId !== undefined ? dto.unitId : dto.buildingId !== undefined ? null : before.unitId;
      if (dto.buildingId !== undefined || dto.unitId !== undefined)
        await this.checkPlace(m, t, buildingId, unitId);
      const { items, ...fields } = dto;
      const after = toResponse(
        await this.inspections.update(
          m,
          t.organizationId,
          id,
          {
            ...fields,
            ...(dto.buildingId !== undefined || dto.unitId !== undefined ? { buildingId, unitId } : {}),
          },
          items?.map((i) => ({ area: i.area, rating: i.rating, notes: i.notes ?? null })),
        ),
      );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'inspection', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return after;
    });
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.inspections.findForUpdate(m, t.organizationId, id))) throw notFound();
      const before = toResponse((await this.inspections.findById(m, t.organizationId, id)) as Inspection);
      await this.inspections.delete(m, t.organizationId, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'inspection', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }

  /** The building exists in the organisation and the unit, if any, is one of its units. */
  private async checkPlace(
    m: EntityManager,
    t: Tenant,
    buildingId: string,
    unitId: string | null,
  ): Promise<void> {
    if (!(await this.buildings.findById(m, t.organizationId, buildingId)))
      throw new InspectionError(InspectionErrorCode.BuildingNotFound, 'Building not found');
    if (unitId) {
      const unit = await this.units.findById(m, t.organizationId, unitId);
      if (!unit || unit.buildingId !== buildingId)
        throw new InspectionError(InspectionErrorCode.UnitNotFound, 'Unit not found in this building');
    }
  }
}

function notFound(): InspectionError {
  return new InspectionError(InspectionErrorCode.NotFound, 'Inspection not found');
}

function checkNotFuture(inspectedOn: string): void {
  if (inspectedOn > new Date().toISOString().slice(0, 10))
    throw new InspectionError(InspectionErrorCode.InFuture, 'The inspection date is in the future');
}

function snapshot(i: InspectionResponse): Record<string, unknown> {
  const { createdAt: _c, averageRating: _a, ...fields } = i;
  return fields;
}

function toResponse(i: Inspection): InspectionResponse {
  const items = (i.items ?? []).map((item) => ({ area: item.area, rating: item.rating, notes: item.notes }));
  const average = items.length
    ? Math.round((items.reduce((sum, item) => sum + item.rating, 0) / items.length) * 100) / 100
    : 0;
  return {
    id: i.id,
    buildingId: i.buildingId,
    unitId: i.unitId,
    inspectedOn: i.inspectedOn,
    inspectorUserId: i.inspectorUserId,
    summary: i.summary,
    averageRating: average,
    items,
    createdAt: i.createdAt,
  };
}
