import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { User } from './user.entity';

export const MEMBERSHIP_ROLES = [
  'org_admin',
  'manager',
  'technical_manager',
  'owner',
  'tenant',
  'realtor',
] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** A user's role in one organisation; a user may belong to several. */
@Entity('memberships')
@Index('uq_memberships_org_user', ['organizationId', 'userId'], { unique: true })
@Index('ix_memberships_user', ['userId'])
export class Membership extends TenantEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'enum', enum: MEMBERSHIP_ROLES, enumName: 'membership_role' })
  role!: MembershipRole;
}
