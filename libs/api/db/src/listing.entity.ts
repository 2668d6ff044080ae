import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { decimal, money } from '@ppt/db';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

export const LISTING_TRANSACTIONS = ['sale', 'rent'] as const;
export type ListingTransaction = (typeof LISTING_TRANSACTIONS)[number];
export const PROPERTY_TYPES = ['apartment', 'house', 'commercial', 'land', 'parking', 'other'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export const ENERGY_CLASSES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type EnergyClass = (typeof ENERGY_CLASSES)[number];
export const LISTING_STATUSES = ['draft', 'published', 'reserved', 'sold', 'rented', 'withdrawn'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** Per portal, per field: a value or a small object of values (e.g. an energy certificate). */
export type ListingPortalOverrides = {
  [portal: string]: { [field: string]: string | number | { [key: string]: string | number } };
};

/**
 * A property offered for sale or rent, made from a unit or standalone. Price in integer minor units
 * (per month for rentals). Photos are document ids in display order.
 */
@Entity('listings')
@Check('ck_listings_price', '"price_amount" >= 0')
@Index('uq_listings_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_listings_org_status', ['organizationId', 'status'])
@Index('ix_listings_org_contact', ['organizationId', 'contactUserId'])
@Index('ix_listings_org_unit', ['organizationId', 'unitId'])
@Index('ix_listings_title_trgm', { synchronize: false })
@Index('ix_listings_city_trgm', { synchronize: false })
// GIN (access checks: which listing shows a document); TypeORM cannot express the method.
@Index('ix_listings_photo_document_ids', { synchronize: false })
export class Listing extends TenantEntity {
  @Column({ type: 'uuid', nullable: true })
  unitId!: string | null;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'enum', enum: LISTING_TRANSACTIONS, enumName: 'listing_transaction' })
  transaction!: ListingTransaction;

  @Column({ type: 'enum', enum: PROPERTY_TYPES, enumName: 'property_type' })
  propertyType!: PropertyType;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', default: '' })
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

  @Column({ type: 'enum', enum: ENERGY_CLASSES, enumName: 'energy_class', nullable: true })
  energyClass!: EnergyClass | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
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

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  photoDocumentIds!: string[];

  /** The realtor (or manager) who answers inquiries. */
  @Column({ type: 'uuid', nullable: true })
  contactUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_user_id' })
  contact?: User;

  @Column({ type: 'enum', enum: LISTING_STATUSES, enumName: 'listing_status', default: 'draft' })
  status!: ListingStatus;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Incremented on every change; events carry it so the portal applies them in order. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /**
   * The portals a manager chose for this listing (`PUT /listings/:id/portals`); null = the default,
   * the organisation's enabled portals whose market (country, currency, transaction) fits it.
   */
  @Column({
    type: 'enum',
    enum: ['reality-portal', 'sreality', 'openimmo', 'webhook'],
    enumName: 'syndication_portal',
    array: true,
    nullable: true,
  })
  portalSelection!: string[] | null;

  /** Per-portal fields the portals need that the listing does not model (validated per portal). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  portalOverrides!: ListingPortalOverrides;
}

@Entity('listing_status_changes')
@Index('ix_listing_status_changes_org_listing', ['organizationId', 'listingId', 'createdAt'])
export class ListingStatusChange extends TenantRecord {
  @Column({ type: 'uuid' })
  listingId!: string;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('listing_id'))
  listing?: Listing;

  @Column({ type: 'enum', enum: LISTING_STATUSES, enumName: 'listing_status', nullable: true })
  fromStatus!: ListingStatus | null;

  @Column({ type: 'enum', enum: LISTING_STATUSES, enumName: 'listing_status' })
  toStatus!: ListingStatus;

  @Column({ type: 'uuid', nullable: true })
  changedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by_user_id' })
  changedBy?: User;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * An inquiry about a listing, sent from the portal (by a signed-in visitor or anonymously with a name
 * and e-mail); the listing's contact answers it on the PM side.
 */
@Entity('listing_inquiries')
@Index('ix_listing_inquiries_org_listing', ['organizationId', 'listingId', 'createdAt'])
@Index('uq_listing_inquiries_org_portal_id', ['organizationId', 'portalInquiryId'], { unique: true })
@Index('uq_listing_inquiries_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_listing_inquiries_org_status', ['organizationId', 'status', 'createdAt'])
@Check('ck_listing_inquiries_status', `"status" IN ('new', 'replied', 'handled')`)
export class ListingInquiry extends TenantRecord {
  @Column({ type: 'uuid' })
  listingId!: string;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('listing_id'))
  listing?: Listing;

  /** The portal's id for the inquiry: delivering it twice stores it once. */
  @Column({ type: 'uuid' })
  portalInquiryId!: string;

  @Column({ type: 'uuid', nullable: true })
  visitorUserId!: string | null;

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

  /** new → replied (the realtor answered) → handled; reopening goes back to new or replied. */
  @Column({ type: 'varchar', length: 10, default: 'new' })
  status!: LeadStatus;

  @Column({ type: 'timestamptz', nullable: true })
  handledAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  handledByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'handled_by_user_id' })
  handledBy?: User;

  /** The lead this inquiry was folded into (the same visitor, the same listing, within a day). */
  @Column({ type: 'uuid', nullable: true })
  foldedIntoId!: string | null;
}

export const LEAD_STATUSES = ['new', 'replied', 'handled'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** The realtor's reply to an inquiry, e-mailed to the inquirer (and shown on our portal to its visitor). */
@Entity('listing_inquiry_replies')
@Index('ix_listing_inquiry_replies_org_inquiry', ['organizationId', 'inquiryId', 'createdAt'])
export class ListingInquiryReply extends TenantRecord {
  @Column({ type: 'uuid' })
  inquiryId!: string;

  @ManyToOne(() => ListingInquiry, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('inquiry_id'))
  inquiry?: ListingInquiry;

  @Column({ type: 'uuid', nullable: true })
  authorUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_user_id' })
  author?: User;

  @Column({ type: 'varchar', length: 5000 })
  message!: string;

  /** Set by the worker once the e-mail to the inquirer went out. */
  @Column({ type: 'timestamptz', nullable: true })
  emailedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
