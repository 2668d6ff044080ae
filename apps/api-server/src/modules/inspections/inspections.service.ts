import { Injectable } from '@nestjs/common';
import { TenantTransactions, type Inspection } from '@ppt/db';
import type { Page } from '@ppt/http';
import type { RequestMeta } from '../../common/request-meta';
import { scopeOf, type Tenant } from '../../common/tenant';
import { AuditService } from '../audit/audit.service';
import { BuildingsRepository } from '../buildings/buildings.repository';
import { UnitsRepository } from '../units/units.repository';
import type { CreateInspectionDto, InspectionResponse, ListInspectionsQueryDto } from './dto/inspection.dto';
import { InspectionError, InspectionErrorCode } from './inspections.errors';
import { InspectionsRepository } from './inspections.repository';

/** Inspections with rated items; the inspector is the caller. Written in one transaction and audited. */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly inspections: InspectionsRepository,
    private readonly buildings: BuildingsRepository,
    private readonly units: UnitsRepository,
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
      if (!inspection) throw new InspectionError(InspectionErrorCode.NotFound, 'Inspection not found');
      return toResponse(inspection);
    });
  }

  create(t: Tenant, dto: CreateInspectionDto, meta: RequestMeta): Promise<InspectionResponse> {
    if (dto.inspectedOn > new Date().toISOString().slice(0, 10))
      throw new InspectionError(InspectionErrorCode.InFuture, 'The inspection date is in the future');
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.buildings.findById(m, t.organizationId, dto.buildingId)))
        throw new InspectionError(InspectionErrorCode.BuildingNotFound, 'Building not found');
      if (dto.unitId) {
        const unit = await this.units.findById(m, t.organizationId, dto.unitId);
        if (!unit || unit.buildingId !== dto.buildingId)
          throw new InspectionError(InspectionErrorCode.UnitNotFound, 'Unit not found in this building');
      }
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
