import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { User } from './user.entity';

/** An owner, tenant or household member known to the organisation; may be linked to a user account. */
@Entity('people')
@Index('uq_people_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_people_org_last_name', ['organizationId', 'lastName'])
@Index('ix_people_full_name_trgm', { synchronize: false })
@Index('ix_people_email_trgm', { synchronize: false })
@Index('ix_people_phone_trgm', { synchronize: false })
export class Person extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  firstName!: string;

  @Column({ type: 'varchar', length: 100 })
  lastName!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}

export const RESIDENT_ROLES = ['owner', 'tenant'] as const;
export type ResidentRole = (typeof RESIDENT_ROLES)[number];

/**
 * An invitation for a person to link a user account: whoever presents the token (sent to the e-mail
 * address) becomes a member with the role and is linked to the person. Only the token's hash is kept.
 */
@Entity('person_invitations')
@Check('ck_person_invitations_role', `"role" IN ('owner', 'tenant')`)
@Index('uq_person_invitations_token_hash_org', ['tokenHash', 'organizationId'], { unique: true })
@Index('ix_person_invitations_org_person', ['organizationId', 'personId'])
export class PersonInvitation extends TenantRecord {
  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('person_id'))
  person?: Person;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: ResidentRole;

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

  /** Set when a newer invitation for the same person replaces this one. */
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
