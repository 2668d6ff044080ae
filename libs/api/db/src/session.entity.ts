import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

/**
 * One sign-in: the family its refresh tokens belong to. Durable here; mirrored in Redis (with a TTL)
 * for the check every authenticated request makes.
 */
@Entity('sessions')
@Index('ix_sessions_user', ['userId'])
export class Session extends BaseEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The organisation this session acts in (switch-organization changes it); not a tenant key. */
  @Column({ type: 'uuid', nullable: true })
  currentOrganizationId!: string | null;

  @ManyToOne(() => Organization, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'current_organization_id' })
  currentOrganization?: Organization;

  @Column({ type: 'varchar', length: 500, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastUsedAt!: Date;

  @Column({ type: 'timestamptz' })
  idleExpiresAt!: Date;

  @Column({ type: 'timestamptz' })
  absoluteExpiresAt!: Date;

  /**
   * Bumped when the session's organisation or role changes; access tokens carry it, and only the
   * current generation is accepted.
   */
  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  revokedReason!: string | null;
}
