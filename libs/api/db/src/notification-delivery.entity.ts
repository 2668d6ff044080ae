import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  JoinColumn,
  ManyToOne,
  UpdateDateColumn,
} from 'typeorm';
import type { NotificationChannel, NotificationType } from './notification.entity';
import { Membership } from './membership.entity';
import { TenantRecord } from './tenant.entity';
import { User } from './user.entity';

export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notification on one channel for one user: the de-duplication key (`job_id` = event id +
 * recipient + channel, also the Bull job id) and what happened to it.
 */
@Entity('notification_deliveries')
@Check('ck_notification_deliveries_status', `"status" IN ('queued', 'sent', 'failed', 'skipped')`)
@Index('uq_notification_deliveries_org_job', ['organizationId', 'jobId'], { unique: true })
@Index('ix_notification_deliveries_org_user_created', ['organizationId', 'userId', 'createdAt'])
export class NotificationDelivery extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 300 })
  jobId!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: NotificationType;

  @Column({ type: 'varchar', length: 10 })
  channel!: NotificationChannel;

  @Column({ type: 'varchar', length: 10 })
  status!: DeliveryStatus;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  body!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  link!: string | null;

  /** Held for the daily digest instead of sent on its own (e-mail only). */
  @Column({ type: 'boolean', default: false })
  digest!: boolean;

  /** Not sent before (quiet hours). */
  @Column({ type: 'timestamptz', nullable: true })
  notBefore!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** The provider's id: the SMTP Message-ID, the push service's message location. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  providerId!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * A browser's Web Push subscription (one per device), for the user in one organisation; it goes
 * with the membership (migration 1795620000000).
 */
@Entity('push_subscriptions')
@Index('uq_push_subscriptions_org_user_endpoint', ['organizationId', 'userId', 'endpoint'], { unique: true })
@ForeignKey(() => Membership, ['organizationId', 'userId'], ['organizationId', 'userId'], {
  name: 'fk_push_subscriptions_membership',
  onDelete: 'CASCADE',
})
export class PushSubscription extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 2000 })
  endpoint!: string;

  /** The browser's P-256 public key (base64url, RFC 8291). */
  @Column({ type: 'varchar', length: 200 })
  p256dh!: string;

  /** The 16-byte authentication secret (base64url, RFC 8291). */
  @Column({ type: 'varchar', length: 100 })
  auth!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  deviceLabel!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** A user's delivery settings in one organisation: quiet hours and the e-mail digest. */
@Entity('notification_settings')
@Index('uq_notification_settings_org_user', ['organizationId', 'userId'], { unique: true })
export class NotificationSettings extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** Minutes after local midnight; null = no quiet hours. */
  @Column({ type: 'smallint', nullable: true })
  quietStartMinute!: number | null;

  @Column({ type: 'smallint', nullable: true })
  quietEndMinute!: number | null;

  /** IANA time zone of the quiet hours and the digest. */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timeZone!: string;

  /** E-mails gathered into one a day instead of one each. */
  @Column({ type: 'boolean', default: false })
  emailDigest!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
