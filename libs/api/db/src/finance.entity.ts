import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Building } from './building.entity';
import { money } from '@ppt/db';
import { Lease } from './lease.entity';
import { Person } from './person.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';
import { Vendor } from './vendor.entity';

export const CHARGE_KINDS = ['rent', 'service_charge', 'utilities', 'deposit', 'fee', 'other'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];
export const CHARGE_STATUSES = ['pending', 'paid', 'overdue', 'cancelled'] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];
export const PAYMENT_METHODS = ['bank_transfer', 'card', 'cash', 'direct_debit', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const EXPENSE_CATEGORIES = [
  'maintenance',
  'utilities',
  'insurance',
  'cleaning',
  'management',
  'repairs',
  'other',
] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

/**
 * What a unit (and, through a lease, its tenant) owes: an amount in integer minor units with an ISO
 * currency, due on a date. `paid_amount` is the sum of its payments, kept with the charge row (locked
 * when a payment is recorded) so the check constraint forbids over-payment even under concurrency.
 */
@Entity('charges')
@Check('ck_charges_amounts', '"amount" > 0 AND "paid_amount" >= 0 AND "paid_amount" <= "amount"')
@Index('uq_charges_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_charges_org_unit_due', ['organizationId', 'unitId', 'dueDate'])
@Index('ix_charges_org_person_due', ['organizationId', 'personId', 'dueDate'])
@Index('ix_charges_org_lease', ['organizationId', 'leaseId'])
@Index('ix_charges_org_status_due', ['organizationId', 'status', 'dueDate'])
@Index('ix_charges_org_due', ['organizationId', 'dueDate'])
export class Charge extends TenantEntity {
  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid', nullable: true })
  leaseId!: string | null;

  @ManyToOne(() => Lease, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('lease_id'))
  lease?: Lease;

  /** The payer. */
  @Column({ type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('person_id'))
  person?: Person;

  @Column({ type: 'enum', enum: CHARGE_KINDS, enumName: 'charge_kind' })
  kind!: ChargeKind;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ type: 'bigint', transformer: money })
  amount!: number;

  @Column({ type: 'bigint', default: 0, transformer: money })
  paidAmount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** ISO date (YYYY-MM-DD). */
  @Column({ type: 'date' })
  dueDate!: string;

  @Column({ type: 'enum', enum: CHARGE_STATUSES, enumName: 'charge_status', default: 'pending' })
  status!: ChargeStatus;

  /** The date of the latest payment once the charge is fully paid. */
  @Column({ type: 'date', nullable: true })
  paidOn!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  /** Incremented on every change; domain events carry it so consumers apply them in order. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;
}

/**
 * Money received against one charge (never more than it still owes), or the reversal of such a
 * payment: a negative amount naming the payment it undoes and why. Rows are never changed or deleted.
 */
@Entity('payments')
@Check(
  'ck_payments_amount',
  '("reverses_payment_id" IS NULL AND "amount" > 0 AND "reason" IS NULL) OR ("reverses_payment_id" IS NOT NULL AND "amount" < 0 AND "reason" IS NOT NULL)',
)
@Index('uq_payments_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_payments_org_charge', ['organizationId', 'chargeId'])
@Index('ix_payments_org_paid_on', ['organizationId', 'paidOn'])
@Index('uq_payments_org_reverses', ['organizationId', 'reversesPaymentId'], {
  unique: true,
  where: 'reverses_payment_id IS NOT NULL',
})
export class Payment extends TenantRecord {
  @Column({ type: 'uuid' })
  chargeId!: string;

  @ManyToOne(() => Charge, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('charge_id'))
  charge?: Charge;

  @Column({ type: 'bigint', transformer: money })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'date' })
  paidOn!: string;

  @Column({ type: 'enum', enum: PAYMENT_METHODS, enumName: 'payment_method' })
  method!: PaymentMethod;

  /** Bank reference, variable symbol, receipt number. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  /** Set on a reversing entry: the payment it undoes. */
  @Column({ type: 'uuid', nullable: true })
  reversesPaymentId!: string | null;

  @ManyToOne(() => Payment, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('reverses_payment_id'))
  reverses?: Payment;

  /** Why a payment was reversed (reversing entries only). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recorded_by_user_id' })
  recordedBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** Money a building cost: a category, optionally a vendor of the organisation, in minor units. */
@Entity('expenses')
@Check('ck_expenses_amount', '"amount" > 0')
@Index('ix_expenses_org_building_incurred', ['organizationId', 'buildingId', 'incurredOn'])
@Index('ix_expenses_org_vendor', ['organizationId', 'vendorId'])
@Index('ix_expenses_org_incurred', ['organizationId', 'incurredOn'])
export class Expense extends TenantEntity {
  @Column({ type: 'uuid' })
  buildingId!: string;

  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('building_id'))
  building?: Building;

  @Column({ type: 'uuid', nullable: true })
  vendorId!: string | null;

  @ManyToOne(() => Vendor, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('vendor_id'))
  vendor?: Vendor;

  @Column({ type: 'enum', enum: EXPENSE_CATEGORIES, enumName: 'expense_category' })
  category!: ExpenseCategory;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ type: 'bigint', transformer: money })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'date' })
  incurredOn!: string;

  /** Invoice number or similar. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;
}
