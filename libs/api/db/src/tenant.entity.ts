import {
  Column,
  CreateDateColumn,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type JoinColumnOptions,
} from 'typeorm';
import { Organization } from './organization.entity';

/**
 * A row owned by an organisation: UUID id and a non-null organization_id (an index starting with it,
 * an RLS policy on it, and unique keys that include it — see the migrations' tenant rules).
 */
export abstract class TenantRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

/** A tenant record that is edited over time (created_at and updated_at). */
export abstract class TenantEntity extends TenantRecord {
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * Join columns of a composite foreign key to another tenant table: (column, organization_id) →
 * (id, organization_id), so a row can only reference rows of its own organisation.
 */
export function sameOrganization(column: string): JoinColumnOptions[] {
  return [
    { name: column, referencedColumnName: 'id' },
    { name: 'organization_id', referencedColumnName: 'organizationId' },
  ];
}
