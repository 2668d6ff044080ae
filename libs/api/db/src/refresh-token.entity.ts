import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from './base.entity';
import { Session } from './session.entity';

/** An opaque refresh token, stored only as its SHA-256; rotated (used once) on every refresh. */
@Entity('refresh_tokens')
@Index('uq_refresh_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('ix_refresh_tokens_session', ['sessionId'])
export class RefreshToken extends BaseEntity {
  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Session;

  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when exchanged; presenting it again is reuse and revokes the family. */
  @Column({ type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;
}
