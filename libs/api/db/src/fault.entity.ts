import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Building } from './building.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';
import { Vendor } from './vendor.entity';

export const FAULT_CATEGORIES = [
  'plumbing',
  'electrical',
  'heating',
  'structural',
  'appliance',
  'common_area',
  'other',
] as const;
export type FaultCategory = (typeof FAULT_CATEGORIES)[number];
export const FAULT_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type FaultPriority = (typeof FAULT_PRIORITIES)[number];
export const FAULT_STATUSES = ['new', 'triaged', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

/** A maintenance request for a building or one of its units. */
@Entity('faults')
@Index('uq_faults_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_faults_org_status_due', ['organizationId', 'status', 'dueAt'])
@Index('ix_faults_org_building', ['organizationId', 'buildingId'])
@Index('ix_faults_org_reporter', ['organizationId', 'reporterUserId'])
@Index('ix_faults_org_unit', ['organizationId', 'unitId'])
@Index('ix_faults_org_assignee', ['organizationId', 'assigneeUserId'])
@Index('ix_faults_title_trgm', { synchronize: false })
@Index('ix_faults_description_trgm', { synchronize: false })
export class Fault extends TenantEntity {
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

  @Column({ type: 'uuid' })
  reporterUserId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reporter_user_id' })
  reporter?: User;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'enum', enum: FAULT_CATEGORIES, enumName: 'fault_category', default: 'other' })
  category!: FaultCategory;

  @Column({ type: 'enum', enum: FAULT_PRIORITIES, enumName: 'fault_priority', default: 'normal' })
  priority!: FaultPriority;

  @Column({ type: 'enum', enum: FAULT_STATUSES, enumName: 'fault_status', default: 'new' })
  status!: FaultStatus;

  @Column({ type: 'uuid', nullable: true })
  assigneeUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'assignee_user_id' })
  assignee?: User;

  @Column({ type: 'uuid', nullable: true })
  vendorId!: string | null;

  @ManyToOne(() => Vendor, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('vendor_id'))
  vendor?: Vendor;

  /** SLA deadline, from the priority when reported (and when the priority changes). */
  @Column({ type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** Who moved a fault from which status to which, when, and why. */
@Entity('fault_status_changes')
@Index('ix_fault_status_changes_org_fault', ['organizationId', 'faultId', 'createdAt'])
export class FaultStatusChange extends TenantRecord {
  @Column({ type: 'uuid' })
  faultId!: string;

  @ManyToOne(() => Fault, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('fault_id'))
  fault?: Fault;

  @Column({ type: 'enum', enum: FAULT_STATUSES, enumName: 'fault_status', nullable: true })
  fromStatus!: FaultStatus | null;

  @Column({ type: 'enum', enum: FAULT_STATUSES, enumName: 'fault_status' })
  toStatus!: FaultStatus;

  @Column({ type: 'uuid', nullable: true })
  changedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by_user_id' })
  changedBy?: User;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('fault_comments')
@Index('ix_fault_comments_org_fault', ['organizationId', 'faultId', 'createdAt'])
export class FaultComment extends TenantRecord {
  @Column({ type: 'uuid' })
  faultId!: string;

  @ManyToOne(() => Fault, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('fault_id'))
  fault?: Fault;

  @Column({ type: 'uuid', nullable: true })
  authorUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_user_id' })
  author?: User;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
