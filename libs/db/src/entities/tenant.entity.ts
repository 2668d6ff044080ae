import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';

/**
 * A row owned by an organisation: non-null organization_id (an index starting with it, an RLS policy
 * on it, and unique keys that include it — see the migrations' tenant rules).
 */
export abstract class TenantEntity extends BaseEntity {
  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}
