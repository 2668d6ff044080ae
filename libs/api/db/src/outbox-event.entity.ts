import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/** A domain event waiting for (or done with) publication; the id is the event id consumers dedupe on. */
@Entity('outbox')
@Index('ix_outbox_org_created', ['organizationId', 'createdAt'])
@Index('ix_outbox_pending', ['nextAttemptAt'], { where: 'published_at IS NULL' })
@Index('ix_outbox_published', ['publishedAt'], { where: 'published_at IS NOT NULL' })
@Index(
  'uq_outbox_aggregate_sequence',
  ['organizationId', 'aggregateType', 'aggregateId', 'aggregateSequence'],
  { unique: true },
)
export class OutboxEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'varchar', length: 50 })
  aggregateType!: string;

  @Column({ type: 'uuid' })
  aggregateId!: string;

  /** Consumers apply events of one aggregate in version order and ignore older ones. */
  @Column({ type: 'integer' })
  aggregateVersion!: number;

  /**
   * The event's place among its aggregate's events, in commit order: the relay publishes an event only
   * after every earlier one of the same aggregate.
   */
  @Column({ type: 'integer' })
  aggregateSequence!: number;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /**
   * The W3C trace context of the request that wrote the event (`traceparent`, `tracestate`): the relay
   * publishes later, outside that request, and hands it on so the jobs the event causes join its trace.
   */
  @Column({ type: 'jsonb', nullable: true })
  traceContext!: Record<string, string> | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  /** A relay pass's claim: until then no other pass takes the row (or later rows of its aggregate). */
  @Column({ type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  claimToken!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
