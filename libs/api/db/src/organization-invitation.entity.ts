import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { TenantRecord } from './tenant.entity';
import { User } from './user.entity';

/**
 * An invitation to become a member: the membership exists only once someone signed in to an account
 * whose verified e-mail equals `email` presents the token (sent to that address). Only the token's
 * SHA-256 is kept. At most one open invitation per organisation and address (lower(email), partial
 * unique index): a new one revokes the open one.
 */
@Entity('organization_invitations')
@Index('uq_organization_invitations_token_hash_org', ['tokenHash', 'organizationId'], { unique: true })
@Index('ix_organization_invitations_org_created', ['organizationId', 'createdAt'])
@Index('uq_organization_invitations_open_email', { synchronize: false })
@Index('ix_organization_invitations_open_email_lower', { synchronize: false })
export class OrganizationInvitation extends TenantRecord {
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'enum', enum: MEMBERSHIP_ROLES, enumName: 'membership_role' })
  role!: MembershipRole;

  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  invitedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'invited_by_user_id' })
  invitedBy?: User;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acceptedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'accepted_by_user_id' })
  acceptedBy?: User;

  @Column({ type: 'timestamptz', nullable: true })
  declinedAt!: Date | null;

  /** Set when an admin revokes it or a newer invitation for the same address replaces it. */
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
