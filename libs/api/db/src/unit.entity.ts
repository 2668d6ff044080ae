import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity, sameOrganization } from './tenant.entity';
import { Building } from './building.entity';
import { decimal } from '@ppt/db';

export const UNIT_TYPES = ['apartment', 'commercial', 'parking', 'cellar'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
export const UNIT_STATUSES = ['vacant', 'occupied', 'reserved', 'unavailable'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

@Entity('units')
@Check('ck_units_ownership_share', '"ownership_share_numerator" >= 0 AND "ownership_share_denominator" > 0')
@Index('uq_units_org_building_number', ['organizationId', 'buildingId', 'number'], { unique: true })
@Index('uq_units_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_units_org_status', ['organizationId', 'status'])
@Index('ix_units_number_trgm', { synchronize: false })
export class Unit extends TenantEntity {
  @Column({ type: 'uuid' })
  buildingId!: string;

  /** Composite key: a unit can only belong to a building of its own organisation. */
  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('building_id'))
  building?: Building;

  @Column({ type: 'varchar', length: 30 })
  number!: string;

  @Column({ type: 'smallint', nullable: true })
  floor!: number | null;

  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: decimal })
  areaM2!: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true, transformer: decimal })
  rooms!: number | null;

  @Column({ type: 'enum', enum: UNIT_TYPES, enumName: 'unit_type', default: 'apartment' })
  type!: UnitType;

  /** Share in the common parts (vote weight), as an exact fraction. */
  @Column({ type: 'integer', default: 0 })
  ownershipShareNumerator!: number;

  @Column({ type: 'integer', default: 1 })
  ownershipShareDenominator!: number;

  @Column({ type: 'enum', enum: UNIT_STATUSES, enumName: 'unit_status', default: 'vacant' })
  status!: UnitStatus;
}
