import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { decimal, money } from '@ppt/db';

/** The Reality Portal's own tables live in the `portal` schema: public data, no tenant scoping. */
const PORTAL = 'portal';

/**
 * The portal's read model of a PM listing, kept in step by listing events (applied in version order).
 * Only `published` and `reserved` listings are shown; others stay so favourites survive a withdrawal.
 * `search_vector` is written with the row (accent-insensitive `portal.unaccented` configuration).
 */
@Entity({ name: 'listings', schema: PORTAL })
@Index('ix_portal_listings_geo', ['latitude', 'longitude'])
// Partial and expression indexes of the visible rows (migration 1795450000000; TypeORM cannot declare them).
@Index('ix_portal_listings_visible_date', { synchronize: false })
@Index('ix_portal_listings_visible_price', { synchronize: false })
@Index('ix_portal_listings_visible_kind_date', { synchronize: false })
@Index('ix_portal_listings_visible_kind_price', { synchronize: false })
@Index('ix_portal_listings_visible_city', { synchronize: false })
@Index('ix_portal_listings_visible_region', { synchronize: false })
@Index('ix_portal_listings_visible_geo', { synchronize: false })
export class PortalListing {
  /** The PM listing id. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_portal_listings' })
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'integer' })
  version!: number;

  // Plain strings: the read model takes the PM's values as they come (the PM validates them, and the
  // listing events carry them as strings); the PM's value lists are not the portal's to import.
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'varchar', length: 10 })
  transaction!: string;

  @Column({ type: 'varchar', length: 20 })
  propertyType!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'bigint', transformer: money })
  priceAmount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: decimal })
  areaM2!: number | null;

  @Column({ type: 'smallint', nullable: true })
  rooms!: number | null;

  @Column({ type: 'smallint', nullable: true })
  floor!: number | null;

  @Column({ type: 'varchar', length: 1, nullable: true })
  energyClass!: string | null;

  @Column({ type: 'text', array: true })
  features!: string[];

  @Column({ type: 'varchar', length: 300 })
  addressLine!: string;

  @Column({ type: 'varchar', length: 120 })
  city!: string;

  @Column({ type: 'varchar', length: 120, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 20 })
  postalCode!: string;

  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: decimal })
  latitude!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: decimal })
  longitude!: number | null;

  @Column({ type: 'uuid', array: true })
  photoDocumentIds!: string[];

  @Column({ type: 'uuid', nullable: true })
  contactUserId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** GIN-indexed by the migration (TypeORM cannot declare the method, so it leaves the index alone). */
  @Index('ix_portal_listings_search', { synchronize: false })
  @Column({ type: 'tsvector', select: false, nullable: true })
  searchVector?: string;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** A signed-in visitor's favourite listing. */
@Entity({ name: 'favorites', schema: PORTAL })
export class Favorite {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_portal_favorites' })
  userId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_portal_favorites' })
  listingId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** A visitor's named search (the same filters as GET /listings). */
@Entity({ name: 'saved_searches', schema: PORTAL })
@Index('ix_portal_saved_searches_user', ['userId', 'createdAt'])
@Index('ix_portal_saved_searches_alert', ['alert'], { where: `alert <> 'off'` })
@Check('ck_portal_saved_searches_alert', `"alert" IN ('off', 'instant', 'daily')`)
export class SavedSearch {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_portal_saved_searches' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'jsonb' })
  filters!: Record<string, unknown>;

  /** E-mail about new matches: never, as they come (every 10 minutes), or once a day. */
  @Column({ type: 'varchar', length: 10, default: 'off' })
  alert!: SavedSearchAlert;

  /** Listings published up to here were already considered for the alert. */
  @Column({ type: 'timestamptz', nullable: true })
  alertedUntil!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export const SAVED_SEARCH_ALERTS = ['off', 'instant', 'daily'] as const;
export type SavedSearchAlert = (typeof SAVED_SEARCH_ALERTS)[number];

/**
 * An inquiry sent on the portal. Stored here first, then delivered to api-server by the portal worker
 * (retried until `delivered_at` is set; api-server stores it once per id).
 */
@Entity({ name: 'inquiries', schema: PORTAL })
@Index('ix_portal_inquiries_undelivered', ['deliveredAt', 'createdAt'])
@Index('ix_portal_inquiries_user', ['userId', 'createdAt'])
export class PortalInquiry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_portal_inquiries' })
  id!: string;

  @Column({ type: 'uuid' })
  listingId!: string;

  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 5000 })
  message!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;
}

/**
 * The realtor's reply to an inquiry sent on the portal, handed over by api-server (the id is its
 * reply id, so a redelivery stores nothing new); the signed-in visitor reads it with their inquiries.
 */
@Entity({ name: 'inquiry_replies', schema: PORTAL })
@Index('ix_portal_inquiry_replies_inquiry', ['inquiryId', 'repliedAt'])
export class PortalInquiryReply {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_portal_inquiry_replies' })
  id!: string;

  @Column({ type: 'uuid' })
  inquiryId!: string;

  @ManyToOne(() => PortalInquiry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'inquiry_id', foreignKeyConstraintName: 'fk_portal_inquiry_replies_inquiry_id' })
  inquiry?: PortalInquiry;

  @Column({ type: 'varchar', length: 5000 })
  message!: string;

  @Column({ type: 'timestamptz' })
  repliedAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export const PORTAL_ENTITIES = [PortalListing, Favorite, SavedSearch, PortalInquiry, PortalInquiryReply];
