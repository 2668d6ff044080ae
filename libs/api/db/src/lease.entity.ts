import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { Organization } from './organization.entity';
import { money } from '@ppt/db';
import { Person } from './person.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { User } from './user.entity';
import { Unit } from './unit.entity';

export const LEASE_STATUSES = ['draft', 'active', 'terminated', 'expired'] as const;
export type LeaseStatus = (typeof LEASE_STATUSES)[number];

/**
 * A rental of one unit. Money in integer minor units with an ISO currency. The exclusion constraint
 * keeps the leases that hold a unit from overlapping, even under concurrent requests: every lease
 * but a draft holds the unit from its start to its end date — a terminated one until the date the
 * termination takes effect, an expired one for the days it ran.
 */
@Entity('leases')
@Exclusion(
  'ex_leases_unit_held_overlap',
  `USING gist ("organization_id" WITH =, "unit_id" WITH =, daterange("start_date", "end_date", '[]') WITH &&) WHERE ("status" <> 'draft')`,
)
@Check('ck_leases_dates', '"end_date" IS NULL OR "end_date" >= "start_date"')
@Check('ck_leases_amounts', '"rent_amount" >= 0 AND "deposit_amount" >= 0 AND "payment_day" BETWEEN 1 AND 28')
@Index('uq_leases_org_number', ['organizationId', 'leaseNumber'], { unique: true })
@Index('uq_leases_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_leases_org_unit', ['organizationId', 'unitId'])
@Index('ix_leases_org_status_end', ['organizationId', 'status', 'endDate'])
@Index('ix_leases_org_primary_tenant', ['organizationId', 'primaryTenantId'])
@Index('ix_leases_lease_number_trgm', { synchronize: false })
export class Lease extends TenantEntity {
  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid' })
  primaryTenantId!: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('primary_tenant_id'))
  primaryTenant?: Person;

  @Column({ type: 'varchar', length: 50 })
  leaseNumber!: string;

  /** ISO dates (YYYY-MM-DD). */
  @Column({ type: 'date' })
  startDate!: string;

  @Column({ type: 'date', nullable: true })
  endDate!: string | null;

  @Column({ type: 'bigint', transformer: money })
  rentAmount!: number;

  @Column({ type: 'bigint', default: 0, transformer: money })
  depositAmount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'smallint' })
  paymentDay!: number;

  @Column({ type: 'enum', enum: LEASE_STATUSES, enumName: 'lease_status', default: 'draft' })
  status!: LeaseStatus;

  /** Incremented on every change; domain events carry it so consumers apply them in order. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'date', nullable: true })
  terminatedAt!: string | null;
}

/** A co-tenant: a person who signed the lease besides the primary tenant (jointly liable). */
@Entity('lease_co_tenants')
@Index('uq_lease_co_tenants_org_lease_person', ['organizationId', 'leaseId', 'personId'], { unique: true })
@Index('ix_lease_co_tenants_org_person', ['organizationId', 'personId'])
export class LeaseCoTenant extends TenantRecord {
  @Column({ type: 'uuid' })
  leaseId!: string;

  @ManyToOne(() => Lease, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('lease_id'))
  lease?: Lease;

  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('person_id'))
  person?: Person;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** What an addendum may change on an active lease (absent = unchanged). */
export interface LeaseAddendumChanges {
  rentAmount?: number;
  depositAmount?: number;
  paymentDay?: number;
  endDate?: string | null;
  coTenantIds?: string[];
}

/**
 * A signed change to an active lease, numbered per lease. The lease row holds the current terms; the
 * addenda are the history of how they got there (with the terms before and after).
 */
@Entity('lease_addenda')
@Index('uq_lease_addenda_org_lease_number', ['organizationId', 'leaseId', 'number'], { unique: true })
export class LeaseAddendum extends TenantRecord {
  @Column({ type: 'uuid' })
  leaseId!: string;

  @ManyToOne(() => Lease, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('lease_id'))
  lease?: Lease;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'date' })
  effectiveFrom!: string;

  @Column({ type: 'varchar', length: 2000 })
  description!: string;

  @Column({ type: 'jsonb' })
  changes!: LeaseAddendumChanges;

  @Column({ type: 'jsonb' })
  previous!: LeaseAddendumChanges;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * A `lease.ending_soon` announcement made: one per lease, threshold (days before the end) and end
 * date (a lease whose end moves is announced again for the new end). Written in the same
 * transaction as the outbox event, so an announcement is made exactly once.
 */
@Entity('lease_ending_notices')
export class LeaseEndingNotice {
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @PrimaryColumn({ type: 'uuid' })
  leaseId!: string;

  @ManyToOne(() => Lease, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('lease_id'))
  lease?: Lease;

  @PrimaryColumn({ type: 'smallint' })
  thresholdDays!: number;

  @PrimaryColumn({ type: 'date' })
  endDate!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  announcedAt!: Date;
}

/**
 * The day the lease pass last ran for an organisation: the next pass announces every threshold
 * crossed since then, so a missed day (worker down) is caught up, never skipped.
 */
@Entity('lease_lifecycle_runs')
export class LeaseLifecycleRun {
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'date' })
  lastRunOn!: string;
}
