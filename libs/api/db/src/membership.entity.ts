import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { User } from './user.entity';

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
