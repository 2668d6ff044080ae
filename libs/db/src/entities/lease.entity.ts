import { Check, Column, Entity, Exclusion, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Person } from './person.entity';
import { TenantEntity, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';

export const LEASE_STATUSES = ['draft', 'active', 'terminated', 'expired'] as const;
export type LeaseStatus = (typeof LEASE_STATUSES)[number];

/** bigint money columns arrive from pg as strings; amounts stay below 2^53 minor units. */
const money = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * A rental of one unit. Money in integer minor units with an ISO currency. The exclusion constraint
 * keeps active leases of one unit from overlapping, even under concurrent requests.
 */
@Entity('leases')
@Exclusion(
  'ex_leases_active_overlap',
  `USING gist ("organization_id" WITH =, "unit_id" WITH =, daterange("start_date", "end_date", '[]') WITH &&) WHERE ("status" = 'active')`,
)
@Check('ck_leases_dates', '"end_date" IS NULL OR "end_date" >= "start_date"')
@Check('ck_leases_amounts', '"rent_amount" >= 0 AND "deposit_amount" >= 0 AND "payment_day" BETWEEN 1 AND 28')
@Index('uq_leases_org_number', ['organizationId', 'leaseNumber'], { unique: true })
@Index('ix_leases_org_unit', ['organizationId', 'unitId'])
@Index('ix_leases_org_status_end', ['organizationId', 'status', 'endDate'])
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
