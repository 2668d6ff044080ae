import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantRecord } from './tenant.entity';
import { User } from './user.entity';

export const NOTIFICATION_TYPES = [
  'announcement',
  'fault_update',
  'lease_ending',
  'vote',
  'message',
  'payment_due',
  'payment_overdue',
  'listing_inquiry',
  /** A portal refused the organisation's credentials: its adverts wait until they are fixed. */
  'portal_credentials',
  /** A meter-reading period opened, or its deadline is near. */
  'meter_reading',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** An in-app notification for one user in one organisation. */
@Entity('notifications')
@Index('ix_notifications_org_user_created', ['organizationId', 'userId', 'createdAt'])
export class Notification extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 40 })
  type!: NotificationType;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  body!: string;

  /** Where the client takes the user, e.g. /announcements/<id>. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  link!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** A user's choice for one notification type and channel; absent rows mean the default. */
@Entity('notification_preferences')
@Index('uq_notification_preferences_org_user_type_channel', ['organizationId', 'userId', 'type', 'channel'], {
  unique: true,
})
export class NotificationPreference extends TenantRecord {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 40 })
  type!: NotificationType;

  @Column({ type: 'varchar', length: 10 })
  channel!: NotificationChannel;

  @Column({ type: 'boolean' })
  enabled!: boolean;
}
