import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToMany } from 'typeorm';
import { Building } from './building.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

@Entity('inspections')
@Index('uq_inspections_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_inspections_org_building_date', ['organizationId', 'buildingId', 'inspectedOn'])
@Index('ix_inspections_org_unit', ['organizationId', 'unitId'])
export class Inspection extends TenantEntity {
  @Column({ type: 'uuid' })
  buildingId!: string;

  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('building_id'))
  building?: Building;

  @Column({ type: 'uuid', nullable: true })
  unitId!: string | null;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'date' })
  inspectedOn!: string;

  @Column({ type: 'uuid', nullable: true })
  inspectorUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'inspector_user_id' })
  inspector?: User;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @OneToMany(() => InspectionItem, (item) => item.inspection)
  items?: InspectionItem[];
}

/** One inspected area with a condition rating from 1 (poor) to 5 (excellent). */
@Entity('inspection_items')
@Check('ck_inspection_items_rating', '"rating" BETWEEN 1 AND 5')
@Index('ix_inspection_items_org_inspection', ['organizationId', 'inspectionId', 'position'])
export class InspectionItem extends TenantRecord {
  @Column({ type: 'uuid' })
  inspectionId!: string;

  @ManyToOne(() => Inspection, (inspection) => inspection.items, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('inspection_id'))
  inspection?: Inspection;

  @Column({ type: 'varchar', length: 100 })
  area!: string;

  @Column({ type: 'smallint' })
  rating!: number;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  notes!: string | null;

  @Column({ type: 'smallint' })
  position!: number;
}
