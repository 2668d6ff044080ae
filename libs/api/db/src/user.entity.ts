import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from './base.entity';

/** One account for the PM platform and the Reality Portal; a portal visitor may have no membership. */
@Entity('users')
@Index('uq_users_email_lower', { synchronize: false })
export class User extends BaseEntity {
  /** Stored as entered; uniqueness is case-insensitive (unique index on lower(email)). */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200 })
  displayName!: string;

  /** Null for accounts that have not set a password yet (invited users). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  isPlatformAdmin!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
