import { Injectable } from '@nestjs/common';
import { Inspection, InspectionItem } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import type { ListInspectionsQueryDto } from './dto/inspection.dto';

@Injectable()
export class InspectionsRepository {
  list(
    m: EntityManager,
    organizationId: string,
    f: ListInspectionsQueryDto,
  ): Promise<[Inspection[], number]> {
    return m.findAndCount(Inspection, {
      where: {
        organizationId,
        ...(f.buildingId ? { buildingId: f.buildingId } : {}),
        ...(f.unitId ? { unitId: f.unitId } : {}),
      },
      relations: { items: true },
      order: { inspectedOn: 'DESC', id: 'ASC', items: { position: 'ASC' } },
      take: f.limit,
      skip: f.offset,
    });
  }

  findById(m: EntityManager, organizationId: string, id: string): Promise<Inspection | null> {
    return m.findOne(Inspection, {
      where: { organizationId, id },
      relations: { items: true },
      order: { items: { position: 'ASC' } },
    });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Inspection | null> {
    return m.findOne(Inspection, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Pick<Inspection, 'buildingId' | 'unitId' | 'inspectedOn' | 'summary'>>,
    items: Pick<InspectionItem, 'area' | 'rating' | 'notes'>[] | undefined,
  ): Promise<Inspection> {
    if (Object.keys(changes).length > 0) await m.update(Inspection, { organizationId, id }, changes);
    if (items) {
      await m.delete(InspectionItem, { organizationId, inspectionId: id });
      await this.insertItems(m, organizationId, id, items);
    }
    return (await this.findById(m, organizationId, id)) as Inspection;
  }

  /** Its items go with it (ON DELETE CASCADE). */
  async delete(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Inspection, { organizationId, id });
  }

  async create(
    m: EntityManager,
    organizationId: string,
    data: Partial<Inspection>,
    items: Pick<InspectionItem, 'area' | 'rating' | 'notes'>[],
  ): Promise<Inspection> {
    const { items: _ignored, ...fields } = data;
    const inspection = await m.save(m.create(Inspection, { ...fields, organizationId }));
    await this.insertItems(m, organizationId, inspection.id, items);
    return (await this.findById(m, organizationId, inspection.id)) as Inspection;
  }

  private async insertItems(
    m: EntityManager,
    organizationId: string,
    inspectionId: string,
    items: Pick<InspectionItem, 'area' | 'rating' | 'notes'>[],
  ): Promise<void> {
    await m.insert(
      InspectionItem,
      items.map((item, position) => ({ ...item, position, organizationId, inspectionId })),
    );
  }
}
