import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { decimal } from '@ppt/db';
import { TenantEntity } from './tenant.entity';
import { User } from './user.entity';

export const BUILDING_TYPES = ['residential', 'commercial', 'mixed'] as const;
export type BuildingType = (typeof BUILDING_TYPES)[number];

@Entity('buildings')
@Index('uq_buildings_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_buildings_org_name', ['organizationId', 'name'])
@Index('ix_buildings_org_city', ['organizationId', 'city'])
@Index('ix_buildings_org_city_lower', { synchronize: false })
@Index('ix_buildings_name_trgm', { synchronize: false })
@Index('ix_buildings_address_line_trgm', { synchronize: false })
@Index('ix_buildings_city_trgm', { synchronize: false })
export class Building extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 300 })
  addressLine!: string;

  @Column({ type: 'varchar', length: 120 })
  city!: string;

  @Column({ type: 'varchar', length: 20 })
  postalCode!: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: decimal })
  latitude!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: decimal })
  longitude!: number | null;

  @Column({ type: 'smallint', nullable: true })
  yearBuilt!: number | null;

  @Column({ type: 'smallint', nullable: true })
  floors!: number | null;

  @Column({ type: 'enum', enum: BUILDING_TYPES, enumName: 'building_type', default: 'residential' })
  type!: BuildingType;

  @Column({ type: 'uuid', nullable: true })
  managerUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_user_id' })
  manager?: User;

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;
}
