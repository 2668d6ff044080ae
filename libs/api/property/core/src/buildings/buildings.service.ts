import { Injectable } from '@nestjs/common';
import type { OrganizationScope } from '@ppt/db';
import type { Building } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import {
  referencedAs,
  type RequestMeta,
  type Tenant,
  type TenantTransaction,
  TenantUnitOfWork,
} from '@ppt/api-shared';
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
    private readonly tenant: TenantUnitOfWork,
    private readonly buildings: BuildingsRepository,
  ) {}

  /**
   * The building of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * building (they never use the repository).
   */
  findById(scope: OrganizationScope, id: string): Promise<Building | null> {
    return this.buildings.findById(scope, id);
  }

  /**
   * The building locked until the caller's transaction ends (it cannot be archived or deleted
   * meanwhile), or null: how units are added to a building.
   */
  findForUpdate(scope: OrganizationScope, id: string): Promise<Building | null> {
    return this.buildings.findForUpdate(scope, id);
  }

  list(t: Tenant, query: ListBuildingsQueryDto): Promise<Page<BuildingResponse>> {
    return this.tenant.run(t, async (tx) => {
      const { items, total } = await this.buildings.list(tx, query);
      return {
        items: items.map((b) => toResponse(b, b.unitCount)),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<BuildingResponse> {
    return this.tenant.run(t, async (tx) => {
      const building = await this.buildings.findById(tx, id);
      if (!building) throw notFound();
      return toResponse(building, await this.unitCount(tx, id));
    });
  }

  create(t: Tenant, dto: CreateBuildingDto, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        await this.checkManager(tx, dto.managerUserId);
        const building = await this.buildings.create(tx, dto);
        await tx.auditChange(
          { type: 'building', id: building.id, verb: 'created' },
          null,
          snapshot(building),
        );
        return toResponse(building, 0);
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateBuildingDto, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.buildings.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.checkManager(tx, dto.managerUserId);
        await this.buildings.update(tx, id, dto);
        const after = (await this.buildings.findById(tx, id)) as Building;
        await tx.auditChange({ type: 'building', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return toResponse(after, await this.unitCount(tx, id));
      },
      meta,
    );
  }

  /** Archiving is the deliberate way to retire a building that still has units (it leaves lists). */
  archive(t: Tenant, id: string, meta: RequestMeta): Promise<BuildingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.buildings.findForUpdate(tx, id);
        if (!before) throw notFound();
        const archivedAt = before.archivedAt ?? new Date();
        await this.buildings.update(tx, id, { archivedAt });
        const after = { ...before, archivedAt };
        await tx.auditChange({ type: 'building', id, verb: 'archived' }, snapshot(before), snapshot(after));
        return toResponse(after, await this.unitCount(tx, id));
      },
      meta,
    );
  }

  /** Refused (409) while the building has units: archive it instead, or remove the units first. */
  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.buildings.findForUpdate(tx, id);
        if (!before) throw notFound();
        const units = await this.unitCount(tx, id);
        if (units > 0) {
          throw new BuildingError(
            BuildingErrorCode.HasUnits,
            `The building still has ${units} unit(s); archive it or remove the units first`,
          );
        }
        await this.buildings
          .delete(tx, id)
          .catch(
            referencedAs(
              () =>
                new BuildingError(
                  BuildingErrorCode.InUse,
                  'Faults, inspections, documents or votes still refer to this building; archive it instead',
                ),
            ),
          );
        await tx.auditChange({ type: 'building', id, verb: 'deleted' }, snapshot(before), null);
      },
      meta,
    );
  }

  private async unitCount(tx: TenantTransaction, id: string): Promise<number> {
    return (await this.buildings.unitCounts(tx, [id])).get(id) ?? 0;
  }

  private async checkManager(tx: TenantTransaction, managerUserId: string | undefined): Promise<void> {
    if (managerUserId && !(await this.buildings.isMember(tx, managerUserId))) {
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
