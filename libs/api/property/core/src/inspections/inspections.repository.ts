import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Inspection, InspectionItem } from '@ppt/api-db';
import type { ListInspectionsQueryDto } from './dto/inspection.dto';

type ItemRow = Pick<InspectionItem, 'area' | 'rating' | 'notes'>;

/**
 * Inspections of one organisation with their items: findForUpdate, create and update come from
 * TenantRepository, findById loads the items in order; createWithItems and updateWithItems write an
 * inspection together with its items. Every method takes the scope (RLS backs it up).
 */
@Injectable()
export class InspectionsRepository extends TenantRepository<Inspection> {
  constructor() {
    super(Inspection);
  }

  list(scope: OrganizationScope, f: ListInspectionsQueryDto): Promise<[Inspection[], number]> {
    return scope.manager.findAndCount(Inspection, {
      where: {
        organizationId: scope.organizationId,
        ...(f.buildingId ? { buildingId: f.buildingId } : {}),
        ...(f.unitId ? { unitId: f.unitId } : {}),
      },
      relations: { items: true },
      order: { inspectedOn: 'DESC', id: 'ASC', items: { position: 'ASC' } },
      take: f.limit,
      skip: f.offset,
    });
  }

  override findById(scope: OrganizationScope, id: string): Promise<Inspection | null> {
    return scope.manager.findOne(Inspection, {
      where: { organizationId: scope.organizationId, id },
      relations: { items: true },
      order: { items: { position: 'ASC' } },
    });
  }

  /** Changes the inspection; `items`, when given, replace its items. */
  async updateWithItems(
    scope: OrganizationScope,
    id: string,
    changes: Partial<Pick<Inspection, 'buildingId' | 'unitId' | 'inspectedOn' | 'summary'>>,
    items: ItemRow[] | undefined,
  ): Promise<Inspection> {
    if (Object.keys(changes).length > 0) await this.update(scope, id, changes);
    if (items) {
      await scope.manager.delete(InspectionItem, { organizationId: scope.organizationId, inspectionId: id });
      await this.insertItems(scope, id, items);
    }
    return (await this.findById(scope, id)) as Inspection;
  }

  /** Its items go with it (ON DELETE CASCADE). */
  async delete(scope: OrganizationScope, id: string): Promise<void> {
    await scope.manager.delete(Inspection, this.keyOf(scope, id));
  }

  async createWithItems(
    scope: OrganizationScope,
    data: Partial<Inspection>,
    items: ItemRow[],
  ): Promise<Inspection> {
    const { items: _ignored, ...fields } = data;
    const inspection = await this.create(scope, fields);
    await this.insertItems(scope, inspection.id, items);
    return (await this.findById(scope, inspection.id)) as Inspection;
  }

  private async insertItems(scope: OrganizationScope, inspectionId: string, items: ItemRow[]): Promise<void> {
    await scope.manager.insert(
      InspectionItem,
      items.map((item, position) => ({
        ...item,
        position,
        organizationId: scope.organizationId,
        inspectionId,
      })),
    );
  }
}
