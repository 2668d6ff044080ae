import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { decimal } from '@ppt/db';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

export const METER_TYPES = ['water_cold', 'water_hot', 'heat', 'electricity', 'gas'] as const;
export type MeterType = (typeof METER_TYPES)[number];

@Entity('meters')
@Index('uq_meters_org_serial', ['organizationId', 'serialNumber'], { unique: true })
@Index('uq_meters_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_meters_org_unit', ['organizationId', 'unitId'])
export class Meter extends TenantEntity {
  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'enum', enum: METER_TYPES, enumName: 'meter_type' })
  type!: MeterType;

  @Column({ type: 'varchar', length: 100 })
  serialNumber!: string;
}

/** A window in which residents submit readings (e.g. the yearly water reading). */
@Entity('reading_periods')
@Check('ck_reading_periods_dates', '"deadline" >= "starts_on"')
@Index('uq_reading_periods_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_reading_periods_org_deadline', ['organizationId', 'deadline'])
export class ReadingPeriod extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date' })
  deadline!: string;
}

@Entity('meter_readings')
@Check('ck_meter_readings_value', '"value" >= 0')
@Check('ck_meter_readings_serial_on_replacement', '"is_replacement" OR "new_serial_number" IS NULL')
@Index('ix_meter_readings_org_meter_read', ['organizationId', 'meterId', 'readOn'])
export class MeterReading extends TenantRecord {
  @Column({ type: 'uuid' })
  meterId!: string;

  @ManyToOne(() => Meter, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('meter_id'))
  meter?: Meter;

  @Column({ type: 'uuid', nullable: true })
  periodId!: string | null;

  @ManyToOne(() => ReadingPeriod, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('period_id'))
  period?: ReadingPeriod;

  @Column({ type: 'numeric', precision: 14, scale: 3, transformer: decimal })
  value!: number;

  @Column({ type: 'date' })
  readOn!: string;

  /**
   * The meter was replaced (staff only): this reading is the new meter's start value, so it may be
   * lower than the one before. The serial numbers before and after are kept on the reading (older
   * replacements, from before they were recorded, have none).
   */
  @Column({ type: 'boolean', default: false })
  isReplacement!: boolean;

  @Column({ type: 'varchar', length: 100, nullable: true })
  newSerialNumber!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  oldSerialNumber!: string | null;

  @Column({ type: 'uuid', nullable: true })
  submittedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'submitted_by_user_id' })
  submittedBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
