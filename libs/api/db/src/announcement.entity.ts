import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { User } from './user.entity';

export const ANNOUNCEMENT_STATUSES = ['draft', 'scheduled', 'published', 'archived'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];
export const AUDIENCE_TYPES = ['organization', 'buildings', 'units', 'roles'] as const;
export type AudienceType = (typeof AUDIENCE_TYPES)[number];

/**
 * A notice to residents or staff: the whole organisation, some buildings, some units (their current
 * occupants) or some roles. Published now or at `publishAt` (the scheduler publishes due ones).
 */
@Entity('announcements')
@Index('uq_announcements_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_announcements_org_status_publish', ['organizationId', 'status', 'publishAt'])
// GIN (access checks: which announcement attaches a document); TypeORM cannot express the method.
@Index('ix_announcements_attachments', { synchronize: false })
/** The every-minute publishing job's look-up across organisations: only scheduled ones are indexed. */
@Index('ix_announcements_scheduled_publish', ['publishAt'], { where: `status = 'scheduled'` })
@Index('ix_announcements_title_trgm', { synchronize: false })
@Index('ix_announcements_body_trgm', { synchronize: false })
export class Announcement extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'enum', enum: ANNOUNCEMENT_STATUSES, enumName: 'announcement_status', default: 'draft' })
  status!: AnnouncementStatus;

  @Column({ type: 'enum', enum: AUDIENCE_TYPES, enumName: 'audience_type' })
  audienceType!: AudienceType;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  audienceBuildingIds!: string[];

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  audienceUnitIds!: string[];

  @Column({
    type: 'enum',
    enum: MEMBERSHIP_ROLES,
    enumName: 'membership_role',
    array: true,
    default: () => "'{}'",
  })
  audienceRoles!: MembershipRole[];

  @Column({ type: 'boolean', default: false })
  pinned!: boolean;

  @Column({ type: 'boolean', default: false })
  urgent!: boolean;

  @Column({ type: 'boolean', default: false })
  requiresAcknowledgement!: boolean;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  attachmentDocumentIds!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  publishAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A row about one user and one announcement (a receipt, a recipient). */
abstract class AnnouncementUserRecord extends TenantRecord {
  @Column({ type: 'uuid' })
  announcementId!: string;

  @ManyToOne(() => Announcement, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('announcement_id'))
  announcement?: Announcement;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}

/** Proof of delivery: when a user read, and (if asked) acknowledged, an announcement. */
@Entity('announcement_receipts')
@Index('uq_announcement_receipts_org_announcement_user', ['organizationId', 'announcementId', 'userId'], {
  unique: true,
})
export class AnnouncementReceipt extends AnnouncementUserRecord {
  @Column({ type: 'timestamptz' })
  readAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;
}

/**
 * Who an announcement was delivered to, fixed when it is published (its audience at that moment): the
 * receipt report lists exactly these, however memberships and occupancies change afterwards.
 */
@Entity('announcement_recipients')
@Index('uq_announcement_recipients_org_announcement_user', ['organizationId', 'announcementId', 'userId'], {
  unique: true,
})
export class AnnouncementRecipient extends AnnouncementUserRecord {
  @Column({ type: 'timestamptz' })
  deliveredAt!: Date;
}

@Entity('announcement_comments')
@Index('ix_announcement_comments_org_announcement', ['organizationId', 'announcementId', 'createdAt'])
export class AnnouncementComment extends TenantRecord {
  @Column({ type: 'uuid' })
  announcementId!: string;

  @ManyToOne(() => Announcement, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('announcement_id'))
  announcement?: Announcement;

  @Column({ type: 'uuid', nullable: true })
  authorUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_user_id' })
  author?: User;

  @Column({ type: 'varchar', length: 5000 })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
