import { Injectable } from '@nestjs/common';
import type { Inspection } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
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
    private readonly tenant: TenantUnitOfWork,
    private readonly inspections: InspectionsRepository,
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
  ) {}

  list(t: Tenant, query: ListInspectionsQueryDto): Promise<Page<InspectionResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.inspections.list(tx, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<InspectionResponse> {
    return this.tenant.run(t, async (tx) => {
      const inspection = await this.inspections.findById(tx, id);
      if (!inspection) throw notFound();
      return toResponse(inspection);
    });
  }

  create(t: Tenant, dto: CreateInspectionDto, meta: RequestMeta): Promise<InspectionResponse> {
    checkNotFuture(dto.inspectedOn);
    return this.tenant.run(
      t,
      async (tx) => {
        await this.checkPlace(tx, dto.buildingId, dto.unitId ?? null);
        const inspection = await this.inspections.createWithItems(
          tx,
          {
            buildingId: dto.buildingId,
            unitId: dto.unitId ?? null,
            inspectedOn: dto.inspectedOn,
            summary: dto.summary ?? null,
            inspectorUserId: t.userId,
          },
          dto.items.map((i) => ({ area: i.area, rating: i.rating, notes: i.notes ?? null })),
        );
        await tx.auditChange({ type: 'inspection', id: inspection.id, verb: 'created' }, null, {
          buildingId: dto.buildingId,
          unitId: dto.unitId ?? null,
          inspectedOn: dto.inspectedOn,
          items: dto.items.length,
        });
        return toResponse(inspection);
      },
      meta,
    );
  }

  /** Corrects an inspection; `items`, when given, replace the list. The unit must stay in the building. */
  update(t: Tenant, id: string, dto: UpdateInspectionDto, meta: RequestMeta): Promise<InspectionResponse> {
    if (dto.inspectedOn) checkNotFuture(dto.inspectedOn);
    return this.tenant.run(
      t,
      async (tx) => {
        const locked = await this.inspections.findForUpdate(tx, id);
        if (!locked) throw notFound();
        const before = toResponse((await this.inspections.findById(tx, id)) as Inspection);
        const buildingId = dto.buildingId ?? before.buildingId;
        // A new building without a unit means the whole building; a unit left as it was must follow it.
        const unitId =
          dto.unitId !== undefined ? dto.unitId : dto.buildingId !== undefined ? null : before.unitId;
        if (dto.buildingId !== undefined || dto.unitId !== undefined)
          await this.checkPlace(tx, buildingId, unitId);
        const { items, ...fields } = dto;
        const after = toResponse(
          await this.inspections.updateWithItems(
            tx,
            id,
            {
              ...fields,
              ...(dto.buildingId !== undefined || dto.unitId !== undefined ? { buildingId, unitId } : {}),
            },
            items?.map((i) => ({ area: i.area, rating: i.rating, notes: i.notes ?? null })),
          ),
        );
        await tx.auditChange({ type: 'inspection', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return after;
      },
      meta,
    );
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        if (!(await this.inspections.findForUpdate(tx, id))) throw notFound();
        const before = toResponse((await this.inspections.findById(tx, id)) as Inspection);
        await this.inspections.delete(tx, id);
        await tx.auditChange({ type: 'inspection', id, verb: 'deleted' }, snapshot(before), null);
      },
      meta,
    );
  }

  /** The building exists in the organisation and the unit, if any, is one of its units. */
  private async checkPlace(tx: TenantTransaction, buildingId: string, unitId: string | null): Promise<void> {
    if (!(await this.buildings.findById(tx, buildingId)))
      throw new InspectionError(InspectionErrorCode.BuildingNotFound, 'Building not found');
    if (unitId) {
      const unit = await this.units.findById(tx, unitId);
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
