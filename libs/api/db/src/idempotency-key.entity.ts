import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantRecord } from './tenant.entity';
import { User } from './user.entity';

/**
 * The answer given to a creation request that carried an `Idempotency-Key`: per organisation, user
 * and operation, with a hash of the request so a key reused for another request is recognised.
 */
@Entity('idempotency_keys')
@Index('uq_idempotency_keys_org_user_operation_key', ['organizationId', 'userId', 'operation', 'key'], {
  unique: true,
})
// The daily expiry's range (migration 1795572000000).
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** What was created, e.g. `charge.create`. */
  @Column({ type: 'varchar', length: 100 })
  operation!: string;

  @Column({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 (hex) of the operation's canonical request. */
  @Column({ type: 'char', length: 64 })
  requestHash!: string;

  @Column({ type: 'integer' })
  responseStatus!: number;

  @Column({ type: 'jsonb' })
  responseBody!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
