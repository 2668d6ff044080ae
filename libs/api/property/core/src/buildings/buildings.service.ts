import { Injectable } from '@nestjs/common';
import { type Building } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '@ppt/http';
import { referencedAs } from '@ppt/api-shared';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { BuildingError, BuildingErrorCode } from './buildings.errors';
import { BuildingsRepository } from './buildings.repository';
import type {
  BuildingResponse,
  CreateBuildingDto,
  ListBuildingsQueryDto,
  UpdateBuildingDto,
} from './dto/building.dto';

/** Buildings of the caller's organisation; every change is audited in the same transaction. */
@Injectable()
export class BuildingsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly buildings: BuildingsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The building of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * building (they never use the repository).
   */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Building | null> {
    return this.buildings.findById(m, organizationId, id);
  }

  list(t: Tenant, query: ListBuildingsQueryDto): Promise<Page<BuildingResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const { items, total } = await this.buildings.list(m, t.organizationId, query);
      return {
        items: items.map((b) => toResponse(b, b.unitCount)),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<BuildingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const building = await this.buildings.findById(m, t.organizationId, id);
      if (!building) throw notFound();
      return toResponse(building, (await this.buildings.unitCounts(m, t.organizationId, [id])).get(id) ?? 0);
    });
  }

  create(t: Tenant, dto: CreateBuildingDto, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.checkManager(m, t, dto.managerUserId);
      const building = await this.buildings.create(m, t.organizationId, dto);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'building', id: building.id, verb: 'created' },
        null,
        snapshot(building),
      );
      return toResponse(building, 0);
    });
  }

  update(t: Tenant, id: string, dto: UpdateBuildingDto, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.buildings.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.checkManager(m, t, dto.managerUserId);
      await this.buildings.update(m, t.organizationId, id, dto);
      const after = (await this.buildings.findById(m, t.organizationId, id)) as Building;
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'building', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after, (await this.buildings.unitCounts(m, t.organizationId, [id])).get(id) ?? 0);
    });
  }

  /** Archiving is the deliberate way to retire a building that still has units (it leaves lists). */
  archive(t: Tenant, id: string, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.buildings.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      const archivedAt = before.archivedAt ?? new Date();
      await this.buildings.update(m, t.organizationId, id, { archivedAt });
      const after = { ...before, archivedAt };
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'building', id, verb: 'archived' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after, (await this.buildings.unitCounts(m, t.organizationId, [id])).get(id) ?? 0);
    });
  }

  /** Refused (409) while the building has units: archive it instead, or remove the units first. */
  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.buildings.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      const units = (await this.buildings.unitCounts(m, t.organizationId, [id])).get(id) ?? 0;
      if (units > 0) {
        throw new BuildingError(
          BuildingErrorCode.HasUnits,
          `The building still has ${units} unit(s); archive it or remove the units first`,
        );
      }
      await this.buildings
        .delete(m, t.organizationId, id)
        .catch(
          referencedAs(
            () =>
              new BuildingError(
                BuildingErrorCode.InUse,
                'Faults, inspections, documents or votes still refer to this building; archive it instead',
              ),
          ),
        );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'building', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }

  private async checkManager(m: EntityManager, t: Tenant, managerUserId: string | undefined): Promise<void> {
    if (managerUserId && !(await this.buildings.isMember(m, t.organizationId, managerUserId))) {
      throw new BuildingError(
        BuildingErrorCode.ManagerNotMember,
        'The manager must be a member of this organisation',
      );
    }
  }
}

function notFound(): BuildingError {
  return new BuildingError(BuildingErrorCode.NotFound, 'Building not found');
}

function snapshot(b: Building): Record<string, unknown> {
  const { organization: _o, manager: _m, ...fields } = b;
  return fields;
}

function toResponse(b: Building, unitCount: number): BuildingResponse {
  return {
    id: b.id,
    name: b.name,
    addressLine: b.addressLine,
    city: b.city,
    postalCode: b.postalCode,
    country: b.country,
    latitude: b.latitude,
    longitude: b.longitude,
    yearBuilt: b.yearBuilt,
    floors: b.floors,
    type: b.type,
    managerUserId: b.managerUserId,
    archivedAt: b.archivedAt,
    unitCount,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}
