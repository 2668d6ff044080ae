import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Marks an event as applied by one consumer, so redelivery (at-least-once) applies it only once. */
@Entity('consumed_events')
@Index('ix_consumed_events_consumed_at', ['consumedAt'])
export class ConsumedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_consumed_events' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_consumed_events' })
  eventId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  consumedAt!: Date;
}
