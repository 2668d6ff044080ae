import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from './base.entity';

/** Where a rule's notifications go (each channel optional; a rule with none is refused at save). */
export interface AlertChannels {
  emails: string[];
  /** Signed with the rule's own secret (sealed in `webhookSecretSealed`). */
  webhookUrl: string | null;
  /** A realtime event (`alert.firing` / `alert.resolved`) to every platform administrator's open sockets. */
  inApp: boolean;
}

/**
 * A platform alert rule (issue #22, item 4): no organisation; read and written by platform
 * administrators, evaluated every minute by the worker's jobs role (migration 1795700000000).
 */
@Entity('alert_rules')
@Check('ck_alert_rules_comparator', `"comparator" IN ('>', '>=', '<', '<=')`)
@Check('ck_alert_rules_severity', `"severity" IN ('warning', 'critical')`)
@Check('ck_alert_rules_for_seconds', `"for_seconds" BETWEEN 0 AND 86400`)
export class AlertRule extends BaseEntity {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** One of ALERT_RULE_KINDS; `params` are validated per kind. */
  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 2 })
  comparator!: string;

  @Column({ type: 'double precision' })
  threshold!: number;

  /** How long the condition must hold before the alert fires (0: at once). */
  @Column({ type: 'integer', default: 0 })
  forSeconds!: number;

  @Column({ type: 'varchar', length: 10, default: 'warning' })
  severity!: string;

  @Column({ type: 'jsonb' })
  channels!: AlertChannels;

  /** The webhook's HMAC key, sealed with the SecretBox (context `alert-rule:<id>`); shown once at creation. */
  @Column({ type: 'text', nullable: true })
  webhookSecretSealed!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastEvaluatedAt!: Date | null;

  /** Why the last evaluation could not compute a value (null when it could). */
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}

/**
 * One occurrence of a rule's condition, keyed by (rule, sha256 of the fingerprint): pending → firing → resolved. At
 * most one unresolved instance per key (partial unique index), so an ongoing problem is one alert.
 */
@Entity('alert_instances')
@Check('ck_alert_instances_state', `"state" IN ('pending', 'firing', 'resolved')`)
@Check('ck_alert_instances_notified_state', `"notified_state" IN ('firing', 'resolved')`)
@Index('uq_alert_instances_active', ['ruleId', 'fingerprintKey'], { unique: true, where: `state <> 'resolved'` })
@Index('ix_alert_instances_state_started', ['state', 'startedAt'])
@Index('ix_alert_instances_unnotified', ['updatedAt'], {
  where: `state <> 'pending' AND notified_state IS DISTINCT FROM state`,
})
export class AlertInstance extends BaseEntity {
  @Column({ type: 'uuid' })
  ruleId!: string;

  @ManyToOne(() => AlertRule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rule_id' })
  rule?: AlertRule;

  /** The series the instance is about, e.g. `queue=maintenance`. */
  @Column({ type: 'text' })
  fingerprint!: string;

  /** Hex sha256 of `fingerprint`: the unique key (a fingerprint may be too long for an index entry). */
  @Column({ type: 'varchar', length: 64 })
  fingerprintKey!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: 'pending' | 'firing' | 'resolved';

  /**
   * The state whose notification is settled: its deliveries were queued, or it needed none. An
   * instance firing or resolved with a different value here is still owed its notification.
   */
  @Column({ type: 'varchar', length: 10, nullable: true })
  notifiedState!: 'firing' | 'resolved' | null;

  @Column({ type: 'timestamptz', nullable: true })
  notifiedAt!: Date | null;

  /** The last evaluated value. */
  @Column({ type: 'double precision' })
  value!: number;

  /** When the condition was first seen. */
  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  firedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
