import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from './base.entity';
import { User } from './user.entity';

export const EMAIL_TOKEN_PURPOSES = ['verify_email', 'reset_password', 'invitation'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/** A single-use token sent by e-mail (stored as its SHA-256). */
@Entity('email_tokens')
@Index('uq_email_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('ix_email_tokens_user', ['userId'])
export class EmailToken extends BaseEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'enum', enum: EMAIL_TOKEN_PURPOSES, enumName: 'email_token_purpose' })
  purpose!: EmailTokenPurpose;

  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
