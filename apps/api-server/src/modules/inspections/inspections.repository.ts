import { Injectable } from '@nestjs/common';
import { Inspection, InspectionItem } from '@ppt/db';
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

  async create(
    m: EntityManager,
    organizationId: string,
    data: Partial<Inspection>,
    items: Pick<InspectionItem, 'area' | 'rating' | 'notes'>[],
  ): Promise<Inspection> {
    const { items: _ignored, ...fields } = data;
    const inspection = await m.save(m.create(Inspection, { ...fields, organizationId }));
    await m.insert(
      InspectionItem,
      items.map((item, position) => ({ ...item, position, organizationId, inspectionId: inspection.id })),
    );
    return (await this.findById(m, organizationId, inspection.id)) as Inspection;
  }
}
